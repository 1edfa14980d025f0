/** Port choice for loopback mode: the usual port when it is free on that address, else any free one. */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

function tcpFree(host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
}

/** `preferred` when free on host (TCP, and UDP too when asked), else a free TCP port. */
export async function pickPort(host: string, preferred: number, udp = false): Promise<number> {
  if ((await tcpFree(host, preferred)) !== undefined && (!udp || (await udpFree(host, preferred)))) return preferred;
  for (let i = 0; i < 20; i += 1) {
    const port = await tcpFree(host, 0);
    if (port !== undefined && (!udp || (await udpFree(host, port)))) return port;
  }
  throw new Error(`no free port on ${host}`);
}
