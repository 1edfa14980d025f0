import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { WizardState, WizardStore } from './wizard';

const StoreContext = createContext<WizardStore | null>(null);

export function WizardProvider({ store, children }: { store: WizardStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useWizard<T>(select: (state: WizardState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useWizard outside WizardProvider');
  return useStore(store, select);
}
