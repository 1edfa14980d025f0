/** `udp-echo.ts <port>`: answers every datagram with "echo:" + payload until killed. */
import { createSocket } from 'node:dgram';

const socket = createSocket('udp4');
socket.on('message', (msg, rinfo) =>
  socket.send(Buffer.concat([Buffer.from('echo:'), msg]), rinfo.port, rinfo.address),
);
socket.bind(Number(process.argv[2]), '0.0.0.0', () => process.stdout.write('LISTENING\n'));
process.on('SIGTERM', () => socket.close(() => process.exit(0)));
