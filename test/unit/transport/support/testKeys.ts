import { utils } from "ssh2";

/**
 * A fresh ed25519 key pair that ssh2 can read back. ssh2's own generator
 * strips leading zero bytes from the public key, so about one pair in 256
 * cannot be parsed (mscdex/ssh2#1390): draw again instead of failing a test
 * at random.
 */
export function ed25519KeyPair(): ReturnType<typeof utils.generateKeyPairSync> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = utils.generateKeyPairSync("ed25519");
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
  throw new Error("could not generate a readable ed25519 key pair");
}
