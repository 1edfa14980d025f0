import { useEffect, useRef } from 'react';
import { NetworkPicture } from './components/NetworkPicture';
import { RevertBar } from './components/RevertBar';
import { StepNav } from './components/StepNav';
import { UnfinishedBanner } from './components/UnfinishedBanner';
import { HistoryView } from './history/HistoryView';
import { STEPS, stepIndex } from './steps/steps';
import { STEP_VIEWS } from './steps/views';
import { useWizard } from './store/context';

export function App() {
  const step = useWizard((s) => s.step);
  const info = useWizard((s) => s.info);
  const next = useWizard((s) => s.next);
  const back = useWizard((s) => s.back);
  const view = useWizard((s) => s.view);
  const showView = useWizard((s) => s.showView);
  const index = stepIndex(step);
  const StepView = STEP_VIEWS[step];

  const router = useWizard((s) => s.router);
  const identity = router.status === 'done' ? router.value.identity : undefined;

  // On a step change, a screen reader or keyboard user lands on the new step's heading, not on a
  // button that no longer exists; or on the element the step marks (the plan entry a failed check
  // pointed at). The first render leaves focus where the browser put it.
  const focusedChange = useWizard((s) => s.focusedChange);
  const content = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const marked = content.current?.querySelector<HTMLElement>('[data-autofocus]');
    const target = marked ?? content.current?.querySelector<HTMLElement>('h1');
    target?.focus();
    if (marked) marked.scrollIntoView?.({ block: 'center' });
  }, [step, view, focusedChange]);

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
        <RevertBar />
        <UnfinishedBanner />
        {view === 'history' ? <HistoryView /> : <StepView />}
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
