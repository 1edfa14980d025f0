/**
 * A thin layer over node-routeros 1.6.9 (its last release), applied once at
 * load. Three gaps would otherwise crash the app or leak a password:
 *
 * 1. RouterOS 7.18+ answers an empty print with `!empty` before `!done`; the
 *    library throws UNKNOWNREPLY from an event handler. `!empty` carries no
 *    data, so it is dropped and `!done` ends the command as before.
 * 2. A reply for a tag nobody listens to any more (a command we gave up on)
 *    throws UNREGISTEREDTAG from the socket's data handler; it is dropped.
 * 3. API-SSL: the certificate must be checked against the technician's pin
 *    BEFORE the library sends /login with the password. The check sits in the
 *    connector's TLS-connected hook, ahead of the 'connected' event that
 *    triggers the login.
 */
import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { Channel, Connector, Receiver } from 'node-routeros';

export const PIN_FIELD = 'fspbxPin';

export interface PinCheck {
  /** Lower-case hex SHA-256 of the certificate, or undefined on first use. */
  expected?: string;
  /** Receives the certificate actually presented. */
  seen: (fingerprint: string) => void;
}

/** SHA-256 over the certificate's DER bytes, lower-case hex without colons. */
export function certificateFingerprint(socket: TLSSocket): string | undefined {
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.raw) return undefined;
  return createHash('sha256').update(cert.raw).digest('hex');
}

interface ChannelInternals {
  processPacket(packet: string[]): void;
}
interface ReceiverInternals {
  tags: Map<string, unknown>;
  sendTagData(tag: string): void;
  cleanUp(): void;
}
interface ConnectorInternals {
  tls?: Record<string, unknown>;
  socket: TLSSocket;
  onConnect(): void;
  emit(event: string, ...args: unknown[]): boolean;
  destroy(): void;
}

export class PinMismatch extends Error {
  constructor(readonly seen: string | undefined) {
    super('certificate pin mismatch');
  }
}

let applied = false;

export function applyClientFixes(): void {
  if (applied) return;
  const channel = Channel.prototype as unknown as ChannelInternals;
  const receiver = Receiver.prototype as unknown as ReceiverInternals;
  const connector = Connector.prototype as unknown as ConnectorInternals;
  if (
    typeof channel.processPacket !== 'function' ||
    typeof receiver.sendTagData !== 'function' ||
    typeof connector.onConnect !== 'function'
  ) {
    throw new Error('node-routeros internals changed: review electron/routeros/client-fixes.ts');
  }

  const processPacket = channel.processPacket;
  channel.processPacket = function (this: ChannelInternals, packet: string[]) {
    if (packet[0] === '!empty') return;
    processPacket.call(this, packet);
  };

  const sendTagData = receiver.sendTagData;
  receiver.sendTagData = function (this: ReceiverInternals, tag: string) {
    if (!this.tags.has(tag)) {
      this.cleanUp();
      return;
    }
    sendTagData.call(this, tag);
  };

  const onConnect = connector.onConnect;
  connector.onConnect = function (this: ConnectorInternals) {
    // node-routeros writes each word with its own socket.write: with Nagle on, the rest of every
    // command waits for the router's delayed ACK (about 40 ms a command on a real link).
    this.socket.setNoDelay(true);
    const pin = this.tls?.[PIN_FIELD] as PinCheck | undefined;
    if (pin) {
      const seen = certificateFingerprint(this.socket);
      if (seen) pin.seen(seen);
      if (seen === undefined || pin.expected !== seen) {
        // No 'connected' event: the login (and the password) is never sent.
        this.emit('error', new PinMismatch(seen));
        this.destroy();
        return;
      }
    }
    onConnect.call(this);
  };
  applied = true;
}
