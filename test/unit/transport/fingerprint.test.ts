import { strict as assert } from "node:assert";

import { keyTypeOfBlob, normalizeFingerprint, sha256Fingerprint } from "../../../provider/transport/fingerprint";
import { blob, ECDSA, ED25519, RSA } from "./fixtures";

describe("transport/fingerprint", () => {
  it("matches the fingerprints ssh-keygen -lf printed for each key type", () => {
    for (const key of [ED25519, ECDSA, RSA]) assert.equal(sha256Fingerprint(blob(key)), key.fingerprint);
  });

  it("reads the key type from the blob", () => {
    assert.equal(keyTypeOfBlob(blob(ED25519)), "ssh-ed25519");
    assert.equal(keyTypeOfBlob(blob(ECDSA)), "ecdsa-sha2-nistp256");
    assert.equal(keyTypeOfBlob(blob(RSA)), "ssh-rsa");
  });

  it("returns undefined for blobs too short or with a bogus type length", () => {
    assert.equal(keyTypeOfBlob(Buffer.alloc(0)), undefined);
    assert.equal(keyTypeOfBlob(Buffer.from([0, 0, 0])), undefined);
    assert.equal(keyTypeOfBlob(Buffer.from([0, 0, 0, 200, 65])), undefined);
    assert.equal(keyTypeOfBlob(Buffer.from([0, 0, 0, 2, 0x0a, 0x41])), undefined);
  });

  it("normalizes pins: tolerates padding and whitespace, rejects MD5 and junk", () => {
    assert.equal(normalizeFingerprint(` ${ED25519.fingerprint}= `), ED25519.fingerprint);
    assert.equal(normalizeFingerprint(ED25519.fingerprint), ED25519.fingerprint);
    assert.equal(normalizeFingerprint("MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48"), undefined);
    assert.equal(normalizeFingerprint("SHA256:short"), undefined);
    assert.equal(normalizeFingerprint(ED25519.fingerprint.replace("SHA256:", "sha256:")), undefined);
  });
});
