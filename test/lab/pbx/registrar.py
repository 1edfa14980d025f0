#!/usr/bin/python3
"""The carrier's SIP registrar on the lab's ISP side (the `trunk` host): UDP only.

A REGISTER without credentials gets a digest challenge (RFC 3261 §22.4, 401 with
WWW-Authenticate, MD5, no qop); one whose Authorization answers the challenge for an account
of --accounts gets 200 OK listing the binding (§10.3 step 8), else 403. Every REGISTER is
logged, one JSON line each, with the Contact it carried and the address it came from, so a
test can tell which Contact a PBX's gateway registered with through the router's NAT.
OPTIONS get 200 (a carrier answers keep-alives); anything else 501.
Usage: registrar.py --bind ADDR --port 5060 --realm REALM --accounts FILE --log FILE
(FILE of accounts: JSON {"username": "password"}).
"""
import argparse
import hashlib
import json
import os
import re
import secrets
import socket
import time

MAX_MESSAGE = 65535
MAX_NONCES = 256
SERVER = "lab-carrier-registrar"


def parse(data):
    text = data.decode("utf-8", "replace")
    lines = text.split("\r\n\r\n", 1)[0].split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or parts[2] != "SIP/2.0":
        return None
    headers = []
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers.append((name.strip().lower(), value.strip()))
    return parts[0], parts[1], headers


def first(headers, *names):
    return next((v for n, v in headers if n in names), "")


def user_of(uri):
    m = re.search(r"sips?:([^@>;]+)@", uri)
    return m.group(1) if m else ""


def digest_ok(authorization, accounts, realm, nonces, method):
    """RFC 2617 §3.2.2: response = MD5(MD5(user:realm:password):nonce[:nc:cnonce:qop]:MD5(method:uri))."""
    if not authorization.lower().startswith("digest "):
        return False
    fields = dict(re.findall(r'(\w+)="?([^",]*)"?', authorization[7:]))
    user, nonce = fields.get("username", ""), fields.get("nonce", "")
    if user not in accounts or nonce not in nonces or fields.get("realm") != realm:
        return False
    md5 = lambda text: hashlib.md5(text.encode()).hexdigest()
    ha1 = md5("%s:%s:%s" % (user, realm, accounts[user]))
    ha2 = md5("%s:%s" % (method, fields.get("uri", "")))
    if fields.get("qop") == "auth":
        want = md5("%s:%s:%s:%s:auth:%s" % (ha1, nonce, fields.get("nc", ""), fields.get("cnonce", ""), ha2))
    else:
        want = md5("%s:%s:%s" % (ha1, nonce, ha2))
    return secrets.compare_digest(want, fields.get("response", ""))


def answer(headers, source, code, reason, extra):
    out = ["SIP/2.0 %d %s" % (code, reason)]
    for i, via in enumerate(v for n, v in headers if n in ("via", "v")):
        if i == 0:
            # RFC 3581: answer where the request really came from (the router's public port).
            via += ";received=%s" % source[0]
            if ";rport" in via and ";rport=" not in via:
                via = via.replace(";rport", ";rport=%d" % source[1], 1)
        out.append("Via: %s" % via)
    out.append("From: %s" % first(headers, "from", "f"))
    to = first(headers, "to", "t")
    out.append("To: %s" % (to if ";tag=" in to else to + ";tag=%s" % secrets.token_hex(4)))
    out += ["Call-ID: %s" % first(headers, "call-id", "i"), "CSeq: %s" % first(headers, "cseq")]
    out += extra + ["Server: %s" % SERVER, "Content-Length: 0", "", ""]
    return "\r\n".join(out).encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bind", required=True)
    parser.add_argument("--port", type=int, default=5060)
    parser.add_argument("--realm", required=True)
    parser.add_argument("--accounts", required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    with open(args.accounts, encoding="utf-8") as f:
        accounts = json.load(f)
    log = open(args.log, "a", encoding="utf-8", buffering=1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.bind, args.port))
    nonces = []
    print("READY", flush=True)
    while True:
        try:
            data, source = sock.recvfrom(MAX_MESSAGE)
        except OSError:
            continue
        message = parse(data)
        if message is None:
            continue
        method, _, headers = message
        if method == "OPTIONS":
            sock.sendto(answer(headers, source, 200, "OK", []), source)
            continue
        if method != "REGISTER":
            sock.sendto(answer(headers, source, 501, "Not Implemented", []), source)
            continue
        authorization = first(headers, "authorization")
        contact = first(headers, "contact", "m")
        expires = first(headers, "expires") or "3600"
        if not authorization:
            nonce = secrets.token_hex(16)
            nonces = (nonces + [nonce])[-MAX_NONCES:]
            status = 401
            reply = answer(headers, source, 401, "Unauthorized",
                           ['WWW-Authenticate: Digest realm="%s", nonce="%s", algorithm=MD5' % (args.realm, nonce)])
        elif digest_ok(authorization, accounts, args.realm, nonces, "REGISTER"):
            status = 200
            reply = answer(headers, source, 200, "OK", ["Contact: %s;expires=%s" % (contact, expires)])
        else:
            status = 403
            reply = answer(headers, source, 403, "Forbidden", [])
        log.write(json.dumps({"time": time.time(), "status": status, "user": user_of(first(headers, "to", "t")),
                              "contact": contact, "expires": expires, "from": source[0], "sport": source[1]}) + "\n")
        sock.sendto(reply, source)


if __name__ == "__main__":
    main()
