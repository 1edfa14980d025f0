import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connect } from './api/connect';
import { holdPageWhileChanging, trackSiteChanges } from './api/site-changes';
import { WizardProvider } from './store/context';
import { createWizardStore } from './store/wizard';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
const connection = connect();

if ('error' in connection) {
  root.render(
    <main className="content">
      <div className="note note-error" role="alert">
        {connection.error}
      </div>
    </main>,
  );
} else {
  const changes = trackSiteChanges(connection.client);
  holdPageWhileChanging(changes, window);
  const store = createWizardStore(changes.client);
  // Start-up reads (app facts, networks, History and its open run) belong to the store, not to a component's effect.
  void store.getState().start();
  root.render(
    <StrictMode>
      <WizardProvider store={store}>
        <App />
      </WizardProvider>
    </StrictMode>,
  );
}
