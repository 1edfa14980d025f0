#!/usr/bin/python3
"""SIP OPTIONS responder for the lab's FS PBX host: UDP and TCP on the given ports.

Answers OPTIONS with 200 OK (Via, From, To, Call-ID and CSeq copied, a To-tag added, the
`Server:` header of FreeSWITCH), any other request with 501, and writes one JSON line per
request to the log, so a test can tell which source reached the PBX and through what.
Usage: sip_responder.py --bind ADDR --ports 5060,5080 --log FILE
"""
import argparse
import json
import os
import selectors
import socket
import time

SERVER = "FreeSWITCH-mod_sofia/1.10.12-release+git~20240802T210227Z~a88d069d6f~64bit"
MAX_MESSAGE = 65535


def parse(data):
    text = data.decode("utf-8", "replace")
    head = text.split("\r\n\r\n", 1)[0]
    lines = head.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("SIP/2.0"):
        return None
    headers = []
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers.append((name.strip(), value.strip()))
    return parts[0], parts[1], headers


def header(headers, *names):
    wanted = {n.lower() for n in names}
    return [v for n, v in headers if n.lower() in wanted]


REGISTRATIONS = "/var/lib/fslab/registrations.json"


def remember_registration(headers, source, transport):
    """A REGISTER kept as FreeSWITCH keeps it in sip_registrations: network_ip/port = the packet's
    source (FS sofia_reg.c:1401, stored at :2009-2017), user@host from To, User-Agent, Contact.
    The lab accepts without the digest challenge FreeSWITCH would send first (sofia_reg.c
    sofia_reg_handle_register_token); fs_cli.py reads the file for `sofia xmlstatus profile internal reg`."""
    to = (header(headers, "To", "t") or [""])[0]
    user = to.split("sip:", 1)[-1].split(">", 1)[0].split(";", 1)[0]
    contact = (header(headers, "Contact", "m") or [""])[0]
    expires = (header(headers, "Expires") or ["3600"])[0].strip()
    try:
        with open(REGISTRATIONS, encoding="utf-8") as f:
            rows = json.load(f)
    except (OSError, ValueError):
        rows = []
    rows = [r for r in rows if not (r["user"] == user and r["contact"] == contact)]
    if expires != "0":
        rows.append({"call_id": (header(headers, "Call-ID", "i") or [""])[0], "user": user, "contact": contact,
                     "agent": (header(headers, "User-Agent") or [""])[0], "network_ip": source[0],
                     "network_port": str(source[1]), "transport": transport,
                     "expires": time.time() + (int(expires) if expires.isdigit() else 3600)})
    os.makedirs(os.path.dirname(REGISTRATIONS), exist_ok=True)
    with open(REGISTRATIONS + ".tmp", "w", encoding="utf-8") as f:
        json.dump(rows, f)
    os.replace(REGISTRATIONS + ".tmp", REGISTRATIONS)


def reply(method, headers, source, transport):
    code, reason = (200, "OK") if method in ("OPTIONS", "REGISTER") else (501, "Not Implemented")
    if method == "REGISTER":
        remember_registration(headers, source, transport)
    out = ["SIP/2.0 %d %s" % (code, reason)]
    vias = header(headers, "Via", "v")
    for i, via in enumerate(vias):
        if i == 0:
            # RFC 3581: the received/rport of the first Via say where the request really came from.
            via += ";received=%s" % source[0]
            if ";rport" in via and ";rport=" not in via:
                via = via.replace(";rport", ";rport=%d" % source[1], 1)
        out.append("Via: %s" % via)
    for name, short in (("From", "f"), ("Call-ID", "i"), ("CSeq", None)):
        for value in header(headers, name, *(short and [short] or [])):
            out.append("%s: %s" % (name, value))
    for value in header(headers, "To", "t"):
        out.append("To: %s" % (value if ";tag=" in value else value + ";tag=lab%d" % int(time.time() * 1000)))
    if method == "REGISTER":
        # RFC 3261 §10.3 step 8: the 200 lists the bindings (Contact) with their expiry.
        out += ["Contact: %s" % c for c in header(headers, "Contact", "m")]
        out.append("Expires: %s" % ((header(headers, "Expires") or ["3600"])[0].strip()))
    out += ["Server: %s" % SERVER, "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE, INFO, UPDATE, REGISTER, REFER, NOTIFY",
            "Supported: timer, path, replaces", "Accept: application/sdp", "Content-Length: 0", "", ""]
    return "\r\n".join(out).encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bind", default="0.0.0.0")
    parser.add_argument("--ports", default="5060,5080")
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    os.makedirs(os.path.dirname(args.log), exist_ok=True)
    log = open(args.log, "a", encoding="utf-8", buffering=1)
    sel = selectors.DefaultSelector()
    for port in [int(p) for p in args.ports.split(",")]:
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        udp.bind((args.bind, port))
        sel.register(udp, selectors.EVENT_READ, ("udp", port))
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        tcp.bind((args.bind, port))
        tcp.listen(16)
        sel.register(tcp, selectors.EVENT_READ, ("listen", port))
    print("READY", flush=True)
    buffers = {}

    def handle(data, source, transport, port):
        message = parse(data)
        if message is None:
            return None
        method, uri, headers = message
        log.write(json.dumps({"time": time.time(), "transport": transport, "port": port, "from": source[0],
                              "sport": source[1], "method": method, "uri": uri,
                              "callId": (header(headers, "Call-ID", "i") or [""])[0]}) + "\n")
        return reply(method, headers, source, transport)

    while True:
        for key, _ in sel.select():
            kind, port = key.data[0], key.data[1]
            sock = key.fileobj
            try:
                if kind == "udp":
                    data, source = sock.recvfrom(MAX_MESSAGE)
                    answer = handle(data, source, "udp", port)
                    if answer:
                        sock.sendto(answer, source)
                elif kind == "listen":
                    conn, source = sock.accept()
                    conn.setblocking(False)
                    buffers[conn] = b""
                    sel.register(conn, selectors.EVENT_READ, ("tcp", port, source))
                else:
                    chunk = sock.recv(MAX_MESSAGE)
                    if not chunk:
                        sel.unregister(sock)
                        buffers.pop(sock, None)
                        sock.close()
                        continue
                    buffers[sock] += chunk
                    while b"\r\n\r\n" in buffers[sock]:
                        message, rest = buffers[sock].split(b"\r\n\r\n", 1)
                        buffers[sock] = rest  # OPTIONS carry no body here: Content-Length is ignored
                        answer = handle(message + b"\r\n\r\n", key.data[2], "tcp", port)
                        if answer:
                            sock.sendall(answer)
                    if len(buffers[sock]) > MAX_MESSAGE:
                        sel.unregister(sock)
                        buffers.pop(sock, None)
                        sock.close()
            except OSError:
                continue


if __name__ == "__main__":
    main()
