/**
 * A minimal ISO 9660 image writer: one root directory of small files, with
 * Joliet names so that lowercase names with hyphens (`user-data`) read back
 * as written. Plain ISO 9660 allows only A-Z, 0-9 and `_` in names; readers
 * that know Joliet (Linux isofs, blkid, every desktop OS) take the names
 * from the supplementary descriptor instead.
 *
 * Layout (2048-byte sectors): 0-15 system area (zero), 16 primary volume
 * descriptor, 17 Joliet supplementary descriptor, 18 terminator, 19-22 path
 * tables (primary L, M; Joliet L, M), 23 primary root directory, 24 Joliet
 * root directory, then each file's data from a sector boundary, then zero
 * padding to a whole size step.
 */
import { ascii, both16, both32, descriptorDate, recordDate, SECTOR, ucs2, ucs2Field } from "./isoFields";

/** One file of the image's root directory. */
export interface IsoFile {
  /** Name as readers should show it, e.g. `user-data`. */
  name: string;
  /** The file's bytes. */
  data: Uint8Array;
}

const PVD = 16;
const PATH_TABLES = [19, 20, 21, 22] as const;
const PRIMARY_ROOT = 23;
const JOLIET_ROOT = 24;
const FIRST_DATA = 25;
/** A path table with only the root: 8 fixed bytes plus a 1-byte name and its pad byte. */
const PATH_TABLE_SIZE = 10;
/** Joliet names longer than this are not readable everywhere. */
const JOLIET_NAME_MAX = 64;

/**
 * Zero sectors after the last file, as mkisofs writes by default. Readers
 * probe fixed offsets past a tiny image's end (busybox's volume_id reads
 * 68 KiB at once and gives up on a short read, so `findfs LABEL=cidata`
 * misses a 60 KiB seed) and the kernel's CD read-ahead reports errors near
 * the end of a disc.
 */
const PADDING_SECTORS = 150;
/**
 * Image sizes are rounded up to a multiple of this many sectors (512 KiB),
 * so that most content edits keep the size: the volume is then rewritten
 * without a resize, which fails while a running VM holds the image open.
 */
const SIZE_STEP_SECTORS = 256;

/** Directory record flag of a directory. */
const FLAG_DIRECTORY = 2;

/** Names this writer refuses: empty, too long for Joliet, or holding `/`, `;` or control characters. */
export function isoNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > JOLIET_NAME_MAX) return `must be 1-${JOLIET_NAME_MAX} characters`;
  if (/[\x00-\x1f/\\;*:?"<>|]/.test(name)) return 'must not hold control characters or any of / \\ ; * : ? " < > |';
  return undefined;
}

/** An ISO 9660 level-1 name (8.3, d-characters, `;1`), unique among `taken`. */
function primaryName(name: string, taken: Set<string>): string {
  const dot = name.lastIndexOf(".");
  const clean = (s: string, width: number) =>
    s
      .toUpperCase()
      .replace(/[^A-Z0-9_]/g, "_")
      .slice(0, width);
  const base = clean(dot > 0 ? name.slice(0, dot) : name, 8) || "_";
  const ext = dot > 0 ? clean(name.slice(dot + 1), 3) : "";
  for (let n = 0; ; n++) {
    const suffix = n === 0 ? "" : String(n);
    const candidate = `${base.slice(0, 8 - suffix.length)}${suffix}.${ext};1`;
    if (!taken.has(candidate)) {
      taken.add(candidate);
      return candidate;
    }
  }
}

/** Encodes one directory record. */
function directoryRecord(id: Buffer, extent: number, size: number, flags: number): Buffer {
  const length = 33 + id.length + (id.length % 2 === 0 ? 1 : 0);
  const rec = Buffer.alloc(length);
  rec[0] = length;
  both32(rec, 2, extent);
  both32(rec, 10, size);
  recordDate(rec, 18);
  rec[25] = flags;
  both16(rec, 28, 1); // volume sequence number
  rec[32] = id.length;
  id.copy(rec, 33);
  return rec;
}

interface Entry {
  id: Buffer;
  extent: number;
  size: number;
}

/** A root directory sector: `.`, `..`, then the entries in identifier order. */
function rootDirectory(self: number, entries: Entry[]): Buffer {
  const sector = Buffer.alloc(SECTOR);
  const records = [
    directoryRecord(Buffer.from([0]), self, SECTOR, FLAG_DIRECTORY),
    directoryRecord(Buffer.from([1]), self, SECTOR, FLAG_DIRECTORY),
    ...[...entries].sort((a, b) => Buffer.compare(a.id, b.id)).map((e) => directoryRecord(e.id, e.extent, e.size, 0)),
  ];
  let at = 0;
  for (const r of records) {
    if (at + r.length > SECTOR) throw new Error("ISO image: too many files for a one-sector root directory");
    r.copy(sector, at);
    at += r.length;
  }
  return sector;
}

/** A path table holding only the root directory. */
function pathTable(rootExtent: number, bigEndian: boolean): Buffer {
  const t = Buffer.alloc(SECTOR);
  t[0] = 1; // identifier length
  if (bigEndian) {
    t.writeUInt32BE(rootExtent, 2);
    t.writeUInt16BE(1, 6);
  } else {
    t.writeUInt32LE(rootExtent, 2);
    t.writeUInt16LE(1, 6);
  }
  return t;
}

/** A primary (Joliet = false) or Joliet supplementary volume descriptor. */
function volumeDescriptor(joliet: boolean, label: string, totalSectors: number): Buffer {
  const d = Buffer.alloc(SECTOR);
  const text = joliet ? ucs2Field : ascii;
  d[0] = joliet ? 2 : 1;
  d.write("CD001", 1, "ascii");
  d[6] = 1;
  text(d, 8, 32, ""); // system identifier
  text(d, 40, 32, label);
  both32(d, 80, totalSectors);
  if (joliet) d.write("%/E", 88, "ascii"); // UCS-2 level 3
  both16(d, 120, 1); // volume set size
  both16(d, 124, 1); // volume sequence number
  both16(d, 128, SECTOR);
  both32(d, 132, PATH_TABLE_SIZE);
  const [l, m] = joliet ? PATH_TABLES.slice(2) : PATH_TABLES.slice(0, 2);
  d.writeUInt32LE(l!, 140);
  d.writeUInt32BE(m!, 148);
  directoryRecord(Buffer.from([0]), joliet ? JOLIET_ROOT : PRIMARY_ROOT, SECTOR, FLAG_DIRECTORY).copy(d, 156);
  for (const [at, width] of [
    [190, 128], // volume set
    [318, 128], // publisher
    [446, 128], // data preparer
    [574, 128], // application
    [702, 37], // copyright file
    [739, 37], // abstract file
    [776, 37], // bibliographic file
  ] as const)
    text(d, at, width, "");
  descriptorDate(d, 813); // creation
  descriptorDate(d, 830); // modification
  descriptorDate(d, 847, true); // expiration: none
  descriptorDate(d, 864, true); // effective: at once
  d[881] = 1; // file structure version
  return d;
}

/**
 * Builds an image holding `files` in its root directory. The output depends
 * only on the label and the files (every date is the fixed epoch), so equal
 * content gives equal bytes.
 * @param label the volume identifier, e.g. `cidata` (at most 16 characters, as Joliet stores it)
 */
export function buildIso(label: string, files: readonly IsoFile[]): Buffer {
  if (label.length === 0 || label.length > 16) throw new Error("ISO image: the label must be 1-16 characters");
  const taken = new Set<string>();
  const seen = new Set<string>();
  let next = FIRST_DATA;
  const primary: Entry[] = [];
  const joliet: Entry[] = [];
  const data: Buffer[] = [];
  for (const f of files) {
    const problem = isoNameProblem(f.name);
    if (problem) throw new Error(`ISO image: file name ${JSON.stringify(f.name)} ${problem}`);
    if (seen.has(f.name)) throw new Error(`ISO image: file name ${JSON.stringify(f.name)} appears twice`);
    seen.add(f.name);
    const sectors = Math.ceil(f.data.length / SECTOR);
    // An empty file points at sector 0 with size 0, as mkisofs writes it.
    const extent = sectors === 0 ? 0 : next;
    primary.push({ id: Buffer.from(primaryName(f.name, taken), "ascii"), extent, size: f.data.length });
    joliet.push({ id: ucs2(f.name), extent, size: f.data.length });
    const padded = Buffer.alloc(sectors * SECTOR);
    Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).copy(padded);
    data.push(padded);
    next += sectors;
  }
  const total = Math.ceil((next + PADDING_SECTORS) / SIZE_STEP_SECTORS) * SIZE_STEP_SECTORS;
  const terminator = Buffer.alloc(SECTOR);
  terminator[0] = 255;
  terminator.write("CD001", 1, "ascii");
  terminator[6] = 1;
  return Buffer.concat([
    Buffer.alloc(PVD * SECTOR),
    volumeDescriptor(false, label, total),
    volumeDescriptor(true, label, total),
    terminator,
    pathTable(PRIMARY_ROOT, false),
    pathTable(PRIMARY_ROOT, true),
    pathTable(JOLIET_ROOT, false),
    pathTable(JOLIET_ROOT, true),
    rootDirectory(PRIMARY_ROOT, primary),
    rootDirectory(JOLIET_ROOT, joliet),
    ...data,
    Buffer.alloc((total - next) * SECTOR),
  ]);
}
