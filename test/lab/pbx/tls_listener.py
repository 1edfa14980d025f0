#!/usr/bin/python3
"""The lab PBX's TLS sockets: SIP over TLS, WSS and WS, open while FreeSWITCH (fs_cli.py's state) runs them.

FreeSWITCH binds a profile's TLS port when the profile starts with `tls` true, on `tls-sip-port`
(signalwire/freeswitch @ cc93a683 src/mod/endpoints/mod_sofia/sofia.c:5835-5868 parse, :4322-4325
default 5061, :3218-3243 NUTAG_SIPS_URL / NUTAG_CERTIFICATE_DIR at NUA creation), with agent.pem (or
tls.pem) from tls-cert-dir (:6240-6250); WSS is bound from `wss-binding` (:5819-5831, :4309-4316)
with wss.pem (:6227-6238). FS PBX keeps both in /etc/freeswitch/tls (its TLS tutorial: agent.pem,
tls.pem and wss.pem all link to all.pem). This stand-in polls the running state fs_cli.py keeps
(/var/lib/fslab/freeswitch.json) and opens or closes a listening socket per TLS/WSS port the
profiles bound when they started, so a profile restart with TLS turned on opens 5061 and one with it
off closes it, while a rescan (which re-parses `tls` and the URLs xmlstatus shows) changes nothing. It completes the
TLS handshake and then only reads until the client leaves: no SIP and no WebSocket on top.
One JSON line per handshake goes to the log (source, port, kind), as the SIP responder does.
Usage: tls_listener.py --bind ADDR --cert PEM --log FILE
"""
import argparse
import json
import selectors
import socket
import ssl
import threading
import time

STATE_FILE = "/var/lib/fslab/freeswitch.json"
POLL_SECONDS = 0.25


def tls_port(p):
    """As fs_cli.py tls_port: atoi(tls-sip-port), 0 or none = 5061."""
    digits = ""
    for ch in (p.get("tls_sip_port") or "").strip():
        if not ch.isdigit():
            break
        digits += ch
    return int(digits) if digits and int(digits) > 0 else 5061


def binding_port(binding):
    """sofia.c:5819-5831: the port after the last ':' (atol), bound only when > 0."""
    if ":" not in (binding or ""):
        return 0
    digits = ""
    for ch in binding.rsplit(":", 1)[1]:
        if not ch.isdigit():
            break
        digits += ch
    return int(digits) if digits else 0


def wanted_ports():
    """{port: 'profile kind'} for every running profile's TLS and WSS listener."""
    try:
        with open(STATE_FILE, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    out = {}
    for name, running in sorted((data or {}).get("profiles", {}).items()):
        # What the profile bound when it started (fs_cli.py bind_sockets; FS sofia.c:3221-3241), not
        # what a later rescan re-parsed.
        p = running.get("bound", running)
        if p.get("tls"):
            out.setdefault(tls_port(p), "%s tls" % name)
        port = binding_port(p.get("wss_binding"))
        if port > 0:
            out.setdefault(port, "%s wss" % name)
        # WS (plain TCP) is bound at start the same way (NUTAG_WS_URL, sofia.c:3221-3241): FreeSWITCH 1.10.12
        # listened on 5066 beside 7443 (test/lab/pbx/fixtures/real-freeswitch/05-tls-by-rescan.json, ss -ltnH).
        port = binding_port(p.get("ws_binding"))
        if port > 0:
            out.setdefault(port, "%s ws" % name)
    return out


def serve(conn, source, port, kind, context, log):
    conn.settimeout(5)
    if kind.endswith(" ws"):
        context = None  # plain WebSocket port: no handshake of ours, only read until the client leaves
    try:
        tls = context.wrap_socket(conn, server_side=True) if context else conn
    except (OSError, ssl.SSLError) as e:
        log({"event": "handshake-failed", "source": source[0], "port": port, "kind": kind, "error": str(e)[:120]})
        conn.close()
        return
    log({"event": "handshake" if context else "connected", "source": source[0], "port": port, "kind": kind,
         "version": tls.version() if context else ""})
    try:
        while tls.recv(4096):
            pass
    except (OSError, ssl.SSLError):
        pass
    finally:
        tls.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bind", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert)
    lock = threading.Lock()

    def log(entry):
        entry["time"] = time.time()
        with lock, open(args.log, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")

    selector = selectors.DefaultSelector()
    open_sockets = {}
    failed = set()
    print("READY", flush=True)
    while True:
        wanted = wanted_ports()
        for port in [p for p in open_sockets if p not in wanted]:
            sock, _ = open_sockets.pop(port)
            selector.unregister(sock)
            sock.close()
            log({"event": "closed", "port": port})
        for port, kind in wanted.items():
            if port in open_sockets:
                continue
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((args.bind, port))
            except OSError as e:
                if port not in failed:
                    failed.add(port)
                    log({"event": "bind-failed", "port": port, "error": str(e)})
                sock.close()
                continue
            failed.discard(port)
            sock.listen(16)
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ, (port, kind))
            open_sockets[port] = (sock, kind)
            log({"event": "listening", "port": port, "kind": kind})
        for key, _ in selector.select(timeout=POLL_SECONDS):
            port, kind = key.data
            try:
                conn, source = key.fileobj.accept()
            except OSError:
                continue
            conn.setblocking(True)
            threading.Thread(target=serve, args=(conn, source, port, kind, context, log), daemon=True).start()


if __name__ == "__main__":
    main()
