/**
 * Finds the named types a user meets in the public API without being able to import them:
 * every interface, class, enum and type alias of the package that a signature reachable from
 * the entry point's exports uses (a constructor's arguments, a property, a static method's
 * parameters and result, and everything nested in those), but that the entry point does not
 * export. A program that has to spell such a type (a helper that builds `graphics`, say)
 * could not.
 */
import ts from "typescript";

/** A named type of the package that the entry point does not export, and how it is reached. */
export interface UnexportedType {
  readonly name: string;
  /** The first path found to it, e.g. `VirtualMachineArgs.graphics`. */
  readonly via: string;
}

/** What a walk found: the package's named types it reached, and those not exported. */
export interface PublicTypeWalk {
  readonly reached: ReadonlySet<string>;
  readonly unexported: readonly UnexportedType[];
}

const NAMED = ts.SymbolFlags.Interface | ts.SymbolFlags.Class | ts.SymbolFlags.Enum | ts.SymbolFlags.TypeAlias;

/**
 * Walks the public API of `entry` in `program`. `isOwn` tells the package's files from its
 * dependencies': a dependency's named types (`pulumi.Input`, `Promise`) are not looked into,
 * only the type arguments given to them.
 */
export function walkPublicTypes(program: ts.Program, entry: string, isOwn: (fileName: string) => boolean): PublicTypeWalk {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${entry} is not a module of the program`);
  const resolve = (s: ts.Symbol): ts.Symbol => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const exported = new Set(checker.getExportsOfModule(moduleSymbol).map(resolve));

  const own = (s: ts.Symbol | undefined): boolean => (s?.declarations ?? []).some((d) => isOwn(d.getSourceFile().fileName));
  const reached = new Set<string>();
  const unexported = new Map<string, UnexportedType>();
  const seenTypes = new Set<ts.Type>();

  /** Notes a named type of the package, and whether the entry point exports it. */
  const meet = (symbol: ts.Symbol, via: string): void => {
    const target = resolve(symbol);
    reached.add(target.name);
    if (!exported.has(target) && !unexported.has(target.name)) unexported.set(target.name, { name: target.name, via });
  };

  /** Whether a member is part of what users see: not private, protected or `#private`. */
  const isPublic = (member: ts.Symbol): boolean =>
    !member.name.startsWith("#") &&
    !(member.declarations ?? []).some((d) => ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected));

  const walkSignature = (signature: ts.Signature, via: string): void => {
    for (const parameter of signature.getParameters()) walk(checker.getTypeOfSymbol(parameter), `${via}(${parameter.name})`);
    walk(signature.getReturnType(), `${via}()`);
  };

  const walkMembers = (type: ts.Type, via: string): void => {
    for (const property of checker.getPropertiesOfType(type)) {
      if (own(property) && isPublic(property)) walk(checker.getTypeOfSymbol(property), `${via}.${property.name}`);
    }
    for (const signature of type.getCallSignatures()) walkSignature(signature, via);
    for (const signature of type.getConstructSignatures()) walkSignature(signature, `new ${via}`);
  };

  function walk(type: ts.Type, via: string): void {
    if (seenTypes.has(type)) return;
    seenTypes.add(type);
    const alias = type.aliasSymbol;
    if (alias) {
      for (const argument of type.aliasTypeArguments ?? []) walk(argument, via);
      if (!own(alias)) return;
      meet(alias, via);
    }
    if (type.isUnionOrIntersection()) {
      for (const member of type.types) walk(member, via);
      return;
    }
    if (!(type.flags & ts.TypeFlags.Object)) return;
    const symbol = type.getSymbol();
    if (symbol && symbol.flags & NAMED && !own(symbol)) {
      // A dependency's type (Array, Promise, pulumi.Output): only what the package put in it.
      for (const argument of checker.getTypeArguments(type as ts.TypeReference)) walk(argument, via);
      return;
    }
    if (symbol && symbol.flags & NAMED && !alias) meet(symbol, via);
    walkMembers(type, via);
  }

  // Exported types first, so a path names the nearest exported type (`ThingArgs.hidden`).
  const ownExports = [...exported].filter(own);
  const isClass = (s: ts.Symbol): boolean => (s.flags & ts.SymbolFlags.Class) !== 0;
  for (const symbol of ownExports.filter((s) => !isClass(s))) {
    const isType = symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Enum);
    walk(isType ? checker.getDeclaredTypeOfSymbol(symbol) : checker.getTypeOfSymbol(symbol), symbol.name);
  }
  for (const symbol of ownExports.filter(isClass)) {
    // The instance (its outputs), then the constructor and the static members.
    walk(checker.getDeclaredTypeOfSymbol(symbol), symbol.name);
    walkMembers(checker.getTypeOfSymbol(symbol), symbol.name);
  }
  return { reached, unexported: [...unexported.values()] };
}
