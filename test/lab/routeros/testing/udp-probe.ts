/** `udp-probe.ts <from> <to> <port> <timeoutMs>`: prints `reply <text>` or `timeout`. */
import { createSocket } from 'node:dgram';

const [from = '0.0.0.0', to = '', port = '0', timeout = '1500'] = process.argv.slice(2);
const socket = createSocket('udp4');
const timer = setTimeout(() => {
  process.stdout.write('timeout\n');
  socket.close();
}, Number(timeout));
socket.on('message', (msg) => {
  clearTimeout(timer);
  process.stdout.write(`reply ${msg.toString()}\n`);
  socket.close();
});
socket.bind(0, from, () => socket.send('OPTIONS sip:probe', Number(port), to));
