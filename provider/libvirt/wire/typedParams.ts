/**
 * libvirt's typed parameters on the wire: `remote_typed_param` of
 * remote_protocol.x, a field name and a value whose XDR union is switched on
 * the C enum `virTypedParameterType`:
 *
 * ```
 * union remote_typed_param_value switch (int type) {
 *  case VIR_TYPED_PARAM_INT:     int i;
 *  case VIR_TYPED_PARAM_UINT:    unsigned int ui;
 *  case VIR_TYPED_PARAM_LLONG:   hyper l;
 *  case VIR_TYPED_PARAM_ULLONG:  unsigned hyper ul;
 *  case VIR_TYPED_PARAM_DOUBLE:  double d;
 *  case VIR_TYPED_PARAM_BOOLEAN: int b;
 *  case VIR_TYPED_PARAM_STRING:  remote_nonnull_string s;
 * };
 * struct remote_typed_param { remote_nonnull_string field; remote_typed_param_value value; };
 * ```
 *
 * Calls that take a list of them (`virDomainSetBlockIoTune`, …) declare it
 * with {@link typedParams} in the procedure table.
 */
import { MAX_STRING_BYTES, XdrError, XdrReader, XdrWriter } from "../../rpc";
import { array, Codec } from "./codec";

/** `virTypedParameterType`: the discriminant of a typed parameter's value. */
export enum TypedParamType {
  Int = 1,
  Uint = 2,
  Llong = 3,
  Ullong = 4,
  Double = 5,
  Boolean = 6,
  String = 7,
}

/** A typed parameter's value, tagged with its type. */
export type TypedParamValue =
  | { type: TypedParamType.Int; value: number }
  | { type: TypedParamType.Uint; value: number }
  | { type: TypedParamType.Llong; value: bigint }
  | { type: TypedParamType.Ullong; value: bigint }
  | { type: TypedParamType.Double; value: number }
  | { type: TypedParamType.Boolean; value: boolean }
  | { type: TypedParamType.String; value: string };

/** One typed parameter: its field name (e.g. `total_iops_sec`) and its value. */
export type TypedParam = { field: string } & TypedParamValue;

/**
 * The longest field name libvirt accepts, in bytes: VIR_TYPED_PARAM_FIELD_LENGTH
 * (80) holds the name and its terminating NUL; the daemon refuses a longer one.
 */
export const TYPED_PARAM_FIELD_MAX_BYTES = 79;

function writeValue(w: XdrWriter, p: TypedParamValue): void {
  w.int(p.type);
  switch (p.type) {
    case TypedParamType.Int:
      return void w.int(p.value);
    case TypedParamType.Uint:
      return void w.uint(p.value);
    case TypedParamType.Llong:
      return void w.hyper(p.value);
    case TypedParamType.Ullong:
      return void w.uhyper(p.value);
    case TypedParamType.Double:
      return void w.double(p.value);
    case TypedParamType.Boolean:
      return void w.bool(p.value);
    case TypedParamType.String:
      return void w.string(p.value);
  }
}

function readValue(r: XdrReader): TypedParamValue {
  const type = r.int();
  switch (type) {
    case TypedParamType.Int:
      return { type, value: r.int() };
    case TypedParamType.Uint:
      return { type, value: r.uint() };
    case TypedParamType.Llong:
      return { type, value: r.hyper() };
    case TypedParamType.Ullong:
      return { type, value: r.uhyper() };
    case TypedParamType.Double:
      return { type, value: r.double() };
    case TypedParamType.Boolean:
      return { type, value: r.bool() };
    case TypedParamType.String:
      return { type, value: r.string(MAX_STRING_BYTES) };
    default:
      // The union has no default arm: a type it does not list cannot be decoded past.
      throw new XdrError(`typed parameter of unknown type ${type}`);
  }
}

/** `remote_typed_param`: the field name, then the tagged value. */
export const typedParam: Codec<TypedParam> = {
  write: (w, p) => {
    if (Buffer.byteLength(p.field, "utf8") > TYPED_PARAM_FIELD_MAX_BYTES)
      throw new XdrError(`typed parameter name longer than ${TYPED_PARAM_FIELD_MAX_BYTES} bytes: ${p.field}`);
    w.string(p.field);
    writeValue(w, p);
  },
  read: (r) => {
    const field = r.string(TYPED_PARAM_FIELD_MAX_BYTES);
    return { field, ...readValue(r) };
  },
};

/** `remote_typed_param params<max>`: a list of typed parameters, at most `max`. */
export function typedParams(max: number): Codec<TypedParam[]> {
  const list = array(max, typedParam);
  return {
    write: (w, v) => {
      // The daemon refuses a longer list; failing here names the cause.
      if (v.length > max) throw new XdrError(`${v.length} typed parameters, at most ${max} allowed`);
      list.write(w, v);
    },
    read: (r) => list.read(r),
  };
}

/** An `unsigned long long` parameter, the type libvirt's limits and sizes take. */
export function ullongParam(field: string, value: number | bigint): TypedParam {
  return { field, type: TypedParamType.Ullong, value: BigInt(value) };
}
