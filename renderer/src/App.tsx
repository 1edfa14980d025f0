import { useEffect, useRef } from 'react';
import { NetworkPicture } from './components/NetworkPicture';
import { StepNav } from './components/StepNav';
import { UnfinishedBanner } from './components/UnfinishedBanner';
import { HistoryView } from './history/HistoryView';
import { DoneStep } from './steps/DoneStep';
import { NetworkStep } from './steps/NetworkStep';
import { ApplyStep } from './steps/ApplyStep';
import { OptionsStep } from './steps/OptionsStep';
import { PbxStep } from './steps/PbxStep';
import { PeersStep } from './steps/PeersStep';
import { ReviewStep } from './steps/ReviewStep';
import { RouterStep } from './steps/RouterStep';
import { VerifyStep } from './steps/VerifyStep';
import { STEPS, stepIndex } from './steps/steps';
import { useWizard } from './store/context';

export function App() {
  const step = useWizard((s) => s.step);
  const info = useWizard((s) => s.info);
  const loadInfo = useWizard((s) => s.loadInfo);
  const next = useWizard((s) => s.next);
  const back = useWizard((s) => s.back);
  const view = useWizard((s) => s.view);
  const showView = useWizard((s) => s.showView);
  const index = stepIndex(step);

  const router = useWizard((s) => s.router);
  const identity = router.status === 'done' ? router.value.identity : undefined;

  // On a step change, a screen reader or keyboard user lands on the new step's heading, not on a
  // button that no longer exists. The first render leaves focus where the browser put it.
  const content = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    content.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [step, view]);

  useEffect(() => {
    if (info.status === 'idle') void loadInfo();
  }, [info.status, loadInfo]);

  // The window title names the site, so two windows or a screenshot say which customer this is.
  useEffect(() => {
    document.title = identity ? `FS PBX NAT Wizard — ${identity}` : 'FS PBX NAT Wizard';
  }, [identity]);

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">FS PBX NAT Wizard</span>
        <span className="topbar-right">
          <button
            type="button"
            aria-pressed={view === 'history'}
            onClick={() => showView(view === 'history' ? 'wizard' : 'history')}
          >
            {view === 'history' ? 'Back to the wizard' : 'History'}
          </button>
          <span className="muted" data-testid="app-info">
            {info.status === 'done' ? `${info.value.version} · ${info.value.frontEnd}` : ''}
          </span>
        </span>
      </header>
      <aside className="sidebar">
        <StepNav />
        <NetworkPicture />
      </aside>
      <main className="content" ref={content}>
        <UnfinishedBanner />
        {view === 'history' ? (
          <HistoryView />
        ) : step === 'network' ? (
          <NetworkStep />
        ) : step === 'router' ? (
          <RouterStep />
        ) : step === 'pbx' ? (
          <PbxStep />
        ) : step === 'peers' ? (
          <PeersStep />
        ) : step === 'options' ? (
          <OptionsStep />
        ) : step === 'review' ? (
          <ReviewStep />
        ) : step === 'apply' ? (
          <ApplyStep />
        ) : step === 'verify' ? (
          <VerifyStep />
        ) : (
          <DoneStep />
        )}
        {view === 'wizard' && (
          <footer className="wizard-buttons">
            <button type="button" onClick={back} disabled={index === 0}>
              Back
            </button>
            <button type="button" className="primary" onClick={next} disabled={index === STEPS.length - 1}>
              Next
            </button>
          </footer>
        )}
      </main>
    </div>
  );
}
