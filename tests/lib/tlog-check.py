#!/usr/bin/env python3
"""An independent check of cg-journal's output, written from the texts of
c2sp.org/signed-note, c2sp.org/tlog-checkpoint, c2sp.org/tlog-proof,
c2sp.org/tlog-witness (add-checkpoint body) and RFC 6962 / RFC 9162, with
PyNaCl for Ed25519.  It shares no code with cg.

  tlog-check.py note VKEY NOTE [JOURNAL]   verify the signed checkpoint NOTE;
                                           with JOURNAL, that its first SIZE
                                           lines give the root
  tlog-check.py proof VKEY PROOF           verify a tlog-proof
  tlog-check.py consistency VKEY OLD BODY  verify an add-checkpoint body
                                           against the older note OLD
  tlog-check.py cosig WVKEY NOTE LINE      verify a witness's cosignature
                                           line (c2sp.org/tlog-cosignature,
                                           Ed25519) of the checkpoint NOTE

Prints "ok ..." and exits 0, or prints why and exits 1.
"""
import base64
import hashlib
import sys

import nacl.exceptions
import nacl.signing

EM_DASH = "\u2014"


def fail(why):
    print("FAIL: " + why)
    sys.exit(1)


def parse_vkey(text, kind=0x01):
    name, keyid, key = text.strip().split("+", 2)
    raw = base64.b64decode(key, validate=True)
    if raw[0] != kind or len(raw) != 33:
        fail("not a verifier key of type %#x" % kind)
    pk = raw[1:]
    want = hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + pk).digest()[:4]
    if want.hex() != keyid:
        fail("key id %s is not SHA-256(name || 0x0A || 0x01 || key)[:4] = %s"
             % (keyid, want.hex()))
    return name, want, nacl.signing.VerifyKey(pk)


def verify_note(vkey, note):
    """The note text, once a signature of vkey over it verifies."""
    name, keyid, key = vkey
    if not note.endswith("\n"):
        fail("a note ends with a newline")
    sep = note.rstrip("\n").rfind("\n\n")
    if sep < 0:
        fail("no blank line before the signatures")
    text, sigs = note[:sep + 1], note[sep + 2:]
    good = False
    for line in sigs.splitlines():
        if not line.startswith(EM_DASH + " "):
            fail("a signature line must start with an em dash: %r" % line)
        sname, sig = line[2:].split(" ")
        raw = base64.b64decode(sig, validate=True)
        if sname != name or raw[:4] != keyid:
            continue
        try:
            key.verify(text.encode(), raw[4:])
        except nacl.exceptions.BadSignatureError:
            fail("the signature does not verify")
        good = True
    if not good:
        fail("not signed by the key")
    return text


def parse_checkpoint(text):
    lines = text.split("\n")[:-1]
    if len(lines) < 3:
        fail("a checkpoint has at least three lines")
    origin, size, root = lines[0], lines[1], lines[2]
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        fail("bad size line")
    return origin, int(size), base64.b64decode(root, validate=True)


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(leaves):
    """RFC 6962 2.1, on the entries themselves."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(size1, size2, root1, root2, proof):
    """RFC 9162 2.1.4.2."""
    if size1 == size2:
        return not proof and root1 == root2
    if size1 == 0:
        return not proof
    if size1 > size2 or not proof:
        return False
    if size1 & (size1 - 1) == 0:
        proof = [root1] + proof
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root1 and sr == root2


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def cmd_note(vkey, note_path, journal=None):
    origin, size, root = parse_checkpoint(verify_note(vkey, read(note_path)))
    if not origin.startswith(vkey[0] + "/"):
        fail("origin %s is not the key's" % origin)
    if journal:
        with open(journal, "rb") as f:
            lines = f.read().split(b"\n")
        if len(lines) - 1 < size:
            fail("the journal has fewer than %d lines" % size)
        if mth(lines[:size]) != root:
            fail("the journal's first %d lines do not give the root" % size)
    print("ok %s %d" % (origin, size))


def cmd_proof(vkey, path):
    lines = read(path).split("\n")
    if lines[0] != "c2sp.org/tlog-proof@v1":
        fail("bad first line")
    i = 1
    extra = b""
    if lines[i].startswith("extra "):
        extra = base64.b64decode(lines[i][6:], validate=True)
        i += 1
    if not lines[i].startswith("index "):
        fail("no index line")
    index = int(lines[i][6:])
    i += 1
    proof = []
    while lines[i] != "":
        proof.append(base64.b64decode(lines[i], validate=True))
        i += 1
    note = "\n".join(lines[i + 1:])
    origin, size, root = parse_checkpoint(verify_note(vkey, note))
    if not verify_inclusion(index, size, leaf_hash(extra), proof, root):
        fail("the inclusion proof does not verify")
    print("ok %s %d %d" % (origin, index, size))


def cmd_consistency(vkey, old_path, body_path):
    _, size1, root1 = parse_checkpoint(verify_note(vkey, read(old_path)))
    lines = read(body_path).split("\n")
    if not lines[0].startswith("old ") or int(lines[0][4:]) != size1:
        fail("the old size line is not the older checkpoint's size")
    i, proof = 1, []
    while lines[i] != "":
        proof.append(base64.b64decode(lines[i], validate=True))
        i += 1
    _, size2, root2 = parse_checkpoint(verify_note(vkey, "\n".join(lines[i + 1:])))
    if not verify_consistency(size1, size2, root1, root2, proof):
        fail("the consistency proof does not verify")
    print("ok %d %d" % (size1, size2))


def cmd_cosig(wkey, note_path, line_path):
    name, keyid, key = wkey
    note = read(note_path)
    text = note[:note.rstrip("\n").rfind("\n\n") + 1]
    line = read(line_path).rstrip("\n")
    if not line.startswith(EM_DASH + " "):
        fail("a signature line must start with an em dash")
    sname, sig = line[2:].split(" ")
    raw = base64.b64decode(sig, validate=True)
    if sname != name or raw[:4] != keyid or len(raw) != 4 + 8 + 64:
        fail("not a cosignature of the witness key")
    ts = int.from_bytes(raw[4:12], "big")
    msg = ("cosignature/v1\ntime %d\n" % ts + text).encode()
    try:
        key.verify(msg, raw[12:])
    except nacl.exceptions.BadSignatureError:
        fail("the cosignature does not verify")
    print("ok %s %d" % (text.split("\n")[0], ts))


def main():
    what = sys.argv[1]
    vkey = parse_vkey(read(sys.argv[2]), 0x04 if what == "cosig" else 0x01)
    {"note": cmd_note, "proof": cmd_proof, "consistency": cmd_consistency,
     "cosig": cmd_cosig}[what](vkey, *sys.argv[3:])


if __name__ == "__main__":
    main()
