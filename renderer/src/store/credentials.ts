/**
 * The router and PBX login forms. Passwords live only in memory here: they
 * are sent with each call and never persisted by the renderer.
 */
import type { PbxSummary, RouterSummary } from '../../../contract/types';
import type { InputArg } from '../../../contract/operations';
import type { Client } from '../api/client';
import { idle, loading, settled, type Load } from './load';
import type { WizardSlice } from './state';

export interface RouterForm {
  host: string;
  port: string;
  tls: boolean;
  username: string;
  password: string;
  fingerprint?: string;
}

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
  (set, get) => ({
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
      // Another router means another certificate: forget the one accepted for the old address.
      const next = { ...before, ...patch };
      if (patch.host !== undefined && patch.host !== before.host) delete next.fingerprint;
      set({ routerForm: next, router: idle });
    },
    setPbxForm: (patch) => {
      const before = get().pbxForm;
      const next = { ...before, ...patch };
      if (patch.host !== undefined && patch.host !== before.host) delete next.hostKey;
      set({ pbxForm: next, pbx: idle, peerProposal: idle });
    },

    readRouter: async () => {
      set({ router: loading });
      set({ router: settled(await client.call('router.read', routerTargetOf(get().routerForm))) });
    },
    acceptRouterCertificate: async (fingerprint) => {
      set({ routerForm: { ...get().routerForm, fingerprint } });
      await get().readRouter();
    },

    readPbx: async () => {
      set({ pbx: loading });
      const result = await client.call('pbx.read', pbxTargetOf(get().pbxForm));
      set({ pbx: settled(result) });
      // Logged in to a PBX: step 4 is pre-filled from its gateways and registrations while the technician moves on.
      if (result.ok && result.value.kind !== 'not-a-pbx') await get().readPeers();
    },
    acceptPbxHostKey: async (fingerprint) => {
      set({ pbxForm: { ...get().pbxForm, hostKey: fingerprint } });
      await get().readPbx();
    },
  });
