export { XdrReader } from "./reader";
export { XdrWriter, pad4 } from "./writer";
export { XdrError } from "./errors";
