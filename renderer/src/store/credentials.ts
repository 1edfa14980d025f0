/**
 * The router and PBX login forms. Passwords live only in memory here: they
 * are sent with each call and never persisted by the renderer.
 */
import type { PbxSummary, RouterSummary } from '../../../contract/types';
import type { InputArg } from '../../../contract/operations';
import type { Client } from '../api/client';
import { latest } from './latest';
import { idle, loading, settled, type Load } from './load';
import type { WizardSlice } from './state';

export interface RouterForm {
  host: string;
  port: string;
  tls: boolean;
  username: string;
  password: string;
  fingerprint?: string;
  /** The technician's answer to a router whose API-SSL has no certificate; carried into every later call. */
  noCertificate?: NoCertificateAnswer;
  /** The router's SSH host key, accepted for giving api-ssl a certificate over SSH. */
  sshHostKey?: string;
}

export type NoCertificateAnswer = NonNullable<InputArg<'router.read'>['noCertificate']>;

/** The ways on from `no_certificate`: a certificate over SSH, two anonymous API-SSL answers, or the plain API. */
export type NoCertificateChoice = NoCertificateAnswer | 'plain-api';

export interface PbxForm {
  host: string;
  port: string;
  username: string;
  auth: 'password' | 'key';
  password: string;
  privateKey: string;
  passphrase: string;
  sudoPassword: string;
  hostKey?: string;
}

export interface CredentialsSlice {
  routerForm: RouterForm;
  router: Load<RouterSummary>;
  pbxForm: PbxForm;
  pbx: Load<PbxSummary>;
  setRouterForm(patch: Partial<RouterForm>): void;
  setPbxForm(patch: Partial<PbxForm>): void;
  readRouter(): Promise<void>;
  acceptRouterCertificate(fingerprint: string): Promise<void>;
  /** Answers `no_certificate` and reads the router again that way. */
  chooseNoCertificate(choice: NoCertificateChoice): Promise<void>;
  readPbx(): Promise<void>;
  acceptPbxHostKey(fingerprint: string): Promise<void>;
}

const optionalPort = (text: string): { port?: number } => (text.trim() === '' ? {} : { port: Number(text) });

/** The router login as the contract takes it. */
export function routerTargetOf(f: RouterForm): InputArg<'router.read'> {
  return {
    host: f.host,
    tls: f.tls,
    username: f.username,
    password: f.password,
    ...optionalPort(f.port),
    ...(f.fingerprint ? { fingerprint: f.fingerprint } : {}),
    ...(f.tls && f.noCertificate ? { noCertificate: f.noCertificate } : {}),
    ...(f.tls && f.noCertificate === 'ssh-certificate' && f.sshHostKey ? { sshHostKey: f.sshHostKey } : {}),
  };
}

/** The PBX login as the contract takes it. */
export function pbxTargetOf(f: PbxForm): InputArg<'pbx.read'> {
  const auth =
    f.auth === 'key'
      ? { kind: 'key' as const, privateKey: f.privateKey, ...(f.passphrase ? { passphrase: f.passphrase } : {}) }
      : { kind: 'password' as const, password: f.password };
  return {
    host: f.host,
    username: f.username,
    auth,
    ...optionalPort(f.port),
    ...(f.sudoPassword ? { sudoPassword: f.sudoPassword } : {}),
    ...(f.hostKey ? { hostKey: f.hostKey } : {}),
  };
}

export const credentialsSlice =
  (client: Client): WizardSlice<CredentialsSlice> =>
  (set, get) => {
    // A read answers for the login it was sent with: a newer read, or a login changed since, drops it.
    const routerRead = latest();
    const pbxRead = latest();
    return {
      routerForm: { host: '', port: '', tls: true, username: 'admin', password: '' },
      router: idle,
      pbxForm: {
        host: '',
        port: '',
        username: 'root',
        auth: 'password',
        password: '',
        privateKey: '',
        passphrase: '',
        sudoPassword: '',
      },
      pbx: idle,

      setRouterForm: (patch) => {
        const before = get().routerForm;
        // Another router means another certificate: forget the one accepted for the old address, and the answer given
        // for its lack of one.
        const next = { ...before, ...patch };
        if (patch.host !== undefined && patch.host !== before.host) {
          delete next.fingerprint;
          delete next.noCertificate;
          delete next.sshHostKey;
        }
        routerRead.supersede();
        set({ routerForm: next, router: idle });
      },
      setPbxForm: (patch) => {
        const before = get().pbxForm;
        const next = { ...before, ...patch };
        if (patch.host !== undefined && patch.host !== before.host) delete next.hostKey;
        pbxRead.supersede();
        set({ pbxForm: next, pbx: idle });
        get().forgetPeers();
      },

      readRouter: async () => {
        const isNewest = routerRead.take();
        set({ router: loading });
        const form = get().routerForm;
        const result = await client.call('router.read', routerTargetOf(form));
        if (!isNewest()) return;
        const made = form.noCertificate === 'make-certificate' || form.noCertificate === 'ssh-certificate';
        if (result.ok && made && result.value.fingerprint) {
          // The router has its certificate now: later calls pin it and never again accept a session without one.
          const { noCertificate: _made, sshHostKey: _used, ...pinned } = form;
          set({ routerForm: { ...pinned, fingerprint: result.value.fingerprint } });
        }
        set({ router: settled(result) });
      },
      acceptRouterCertificate: async (fingerprint) => {
        const now = get().routerForm;
        if (now.noCertificate === 'ssh-certificate' && fingerprint.startsWith('SHA256:')) {
          // The router's SSH host key, shown on the way to giving api-ssl a certificate: accepted, the way goes on.
          set({ routerForm: { ...now, sshHostKey: fingerprint } });
          await get().readRouter();
          return;
        }
        // A router that shows a certificate has one: the pin alone decides from now on, no session without one.
        const { noCertificate: _notNeeded, sshHostKey: _notUsed, ...form } = now;
        set({ routerForm: { ...form, fingerprint } });
        await get().readRouter();
      },
      chooseNoCertificate: async (choice) => {
        const { noCertificate: _earlier, ...form } = get().routerForm;
        // The plain API is offered on its standard port: a port typed for API-SSL would not answer it.
        set({
          routerForm:
            choice === 'plain-api' ? { ...form, tls: false, port: '' } : { ...form, tls: true, noCertificate: choice },
        });
        await get().readRouter();
      },

      readPbx: async () => {
        const isNewest = pbxRead.take();
        set({ pbx: loading });
        const result = await client.call('pbx.read', pbxTargetOf(get().pbxForm));
        if (!isNewest()) return;
        set({ pbx: settled(result) });
        // Logged in to a PBX: step 4 is pre-filled from its gateways and registrations while the technician moves on.
        if (result.ok && result.value.kind !== 'not-a-pbx') await get().readPeers();
      },
      acceptPbxHostKey: async (fingerprint) => {
        set({ pbxForm: { ...get().pbxForm, hostKey: fingerprint } });
        await get().readPbx();
      },
    };
  };
