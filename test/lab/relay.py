#!/usr/bin/python3
"""TCP relay from the test machine's loopback into a lab host.

Listens on 127.0.0.1 (a socket made in the test machine's own network namespace), then enters
the lab host's network namespace, so every connection it makes to the target starts from that
host, e.g. from `tech` at 192.168.88.50. The test process never sends a packet to a lab address
itself: it talks to 127.0.0.1 only.
Usage: relay.py --netns-pid PID --target IP:PORT   (prints "LISTENING <port>")
"""
import argparse
import ctypes
import os
import socket
import sys
import threading

CLONE_NEWNET = 0x40000000
MAX_CONNECTIONS = 64


def enter_netns(pid):
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    fd = os.open("/proc/%d/ns/net" % pid, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns failed")
    finally:
        os.close(fd)


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--netns-pid", type=int, required=True)
    parser.add_argument("--target", required=True)
    args = parser.parse_args()
    host, port = args.target.rsplit(":", 1)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    enter_netns(args.netns_pid)
    print("LISTENING %d" % listener.getsockname()[1], flush=True)
    active = threading.BoundedSemaphore(MAX_CONNECTIONS)
    while True:
        client, _ = listener.accept()
        if not active.acquire(blocking=False):
            client.close()
            continue
        try:
            upstream = socket.create_connection((host, int(port)), timeout=10)
            upstream.settimeout(None)
        except OSError:
            client.close()
            active.release()
            continue

        def run(c=client, u=upstream):
            t = threading.Thread(target=pipe, args=(u, c), daemon=True)
            t.start()
            pipe(c, u)
            t.join()
            c.close()
            u.close()
            active.release()

        threading.Thread(target=run, daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
