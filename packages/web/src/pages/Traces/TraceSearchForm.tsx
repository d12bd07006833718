import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { fetchOperations, fetchServices } from '../../api';
import { ServiceSelect } from '../../components/ServiceSelect';
import { ErrorView } from '../../components/StateViews';
import { useAsync } from '../../model/use-async';
import { KIND_CHOICES, MAX_TRACE_LIMIT, STATUS_CHOICES, checkSearchForm, describeCondition, formatCondition, parseCondition, type TraceSearchForm } from './trace-search';

const STATUS_LABELS: Record<(typeof STATUS_CHOICES)[number], string> = { '': 'Any', error: 'Error', ok: 'OK', unset: 'Unset' };
const KIND_LABELS: Record<(typeof KIND_CHOICES)[number], string> = { '': 'Any', server: 'Server', client: 'Client', producer: 'Producer', consumer: 'Consumer', internal: 'Internal' };

/**
 * The trace search form. Fields are a draft until Search (or Enter); attribute conditions and
 * the "called by" filter are chips that search at once when added or removed, as filter pills
 * do in Kibana. Every field is checked with the API's own rules before `onSearch` is called
 * with the whole form; a problem is shown beside its field and the search is not run.
 */
export function TraceSearchFormView({ initial, onSearch }: { initial: TraceSearchForm; onSearch: (form: TraceSearchForm) => void }) {
  const [draft, setDraft] = useState<TraceSearchForm>(initial);
  const [conditionText, setConditionText] = useState('');
  const [conditionProblem, setConditionProblem] = useState<string | undefined>(undefined);
  // A hand-edited URL can hold a bad value: show its problem at once, beside the field.
  const [showProblems, setShowProblems] = useState(() => Object.keys(checkSearchForm(initial)).length > 0);
  const formRef = useRef<HTMLFormElement>(null);
  const ids = { hint: useId(), operation: useId(), kind: useId(), status: useId(), min: useId(), max: useId(), limit: useId(), condition: useId(), conditionHint: useId() };

  const services = useAsync('services', (signal) => fetchServices({}, signal));
  const operations = useAsync(`operations:${draft.service}`, (signal) => (draft.service === '' ? Promise.resolve({ operations: [] }) : fetchOperations(draft.service, {}, signal)));
  const update = (changes: Partial<TraceSearchForm>) => setDraft((d) => ({ ...d, ...changes }));
  const problems = checkSearchForm(draft);

  /** Runs `form` when it is valid; otherwise shows the problems and focuses the first. */
  const run = (form: TraceSearchForm) => {
    setDraft(form);
    if (Object.keys(checkSearchForm(form)).length > 0) {
      setShowProblems(true);
      // After React shows the messages, so that a screen reader reads the field with its problem.
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    onSearch(form);
  };

  /** The draft with the condition being typed added, or undefined (and the problem shown) when it is not a condition. */
  const withTypedCondition = (): TraceSearchForm | undefined => {
    if (conditionText.trim() === '') return draft;
    const parsed = parseCondition(conditionText);
    if (!parsed.ok) {
      setConditionProblem(parsed.problem);
      return undefined;
    }
    const text = formatCondition(parsed.condition);
    setConditionText('');
    setConditionProblem(undefined);
    return draft.attr.includes(text) ? draft : { ...draft, attr: [...draft.attr, text] };
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const form = withTypedCondition();
    if (form !== undefined) run(form);
  };

  const addCondition = () => {
    if (conditionText.trim() === '') {
      setConditionProblem('Type a condition first, e.g. http.response.status_code>=500.');
      return;
    }
    const form = withTypedCondition();
    if (form !== undefined) run(form);
  };

  const handleConditionKey = (event: KeyboardEvent<HTMLInputElement>) => {
    // Enter adds the typed condition (and searches); on an empty box it submits the form as usual.
    if (event.key === 'Enter' && conditionText.trim() !== '') {
      event.preventDefault();
      addCondition();
    } else if (event.key === 'Backspace' && conditionText === '' && draft.attr.length > 0) {
      // Backspace in the empty box edits the last chip, as tag inputs do.
      const last = draft.attr[draft.attr.length - 1];
      event.preventDefault();
      setConditionText(last);
      setDraft({ ...draft, attr: draft.attr.slice(0, -1) });
    }
  };

  const serviceNames = services.kind === 'ready' ? services.data.services : [];
  // Keep a service named in the URL selectable even when it has no data any more.
  const serviceOptions = draft.service !== '' && !serviceNames.includes(draft.service) ? [draft.service, ...serviceNames] : serviceNames;
  const operationNames = operations.kind === 'ready' ? [...new Set(operations.data.operations.map((o) => o.name))].sort() : [];
  const operationOptions = draft.operation !== '' && !operationNames.includes(draft.operation) ? [draft.operation, ...operationNames] : operationNames;
  const problemOf = (field: keyof typeof problems) => (showProblems ? problems[field] : undefined);
  const hasChips = draft.attr.length > 0 || draft.parentService !== '';

  return (
    <form ref={formRef} className="search-form trace-search-form" onSubmit={submit} aria-label="Search traces" aria-describedby={ids.hint} noValidate>
      <div className="search-fields">
        <ServiceSelect value={draft.service} services={serviceOptions} onChange={(service) => update({ service, operation: '' })} />
        <div className="field">
          <label htmlFor={ids.operation}>Operation</label>
          <select id={ids.operation} name="operation" value={draft.operation} onChange={(e) => update({ operation: e.target.value })} disabled={draft.service === ''} title={draft.service === '' ? 'Choose a service first' : undefined}>
            <option value="">All operations</option>
            {operationOptions.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.kind}>Span kind</label>
          <select id={ids.kind} name="kind" value={draft.kind} onChange={(e) => update({ kind: e.target.value })}>
            {KIND_CHOICES.map((kind) => (
              <option key={kind} value={kind}>
                {KIND_LABELS[kind]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} name="status" value={draft.status} onChange={(e) => update({ status: e.target.value })}>
            {STATUS_CHOICES.map((status) => (
              <option key={status} value={status}>
                {STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </div>
        <DurationField label="Min duration" name="minDuration" id={ids.min} value={draft.minDuration} placeholder="e.g. 250ms" problem={problemOf('minDuration')} onChange={(minDuration) => update({ minDuration })} />
        <DurationField label="Max duration" name="maxDuration" id={ids.max} value={draft.maxDuration} placeholder="e.g. 1.5s" problem={problemOf('maxDuration')} onChange={(maxDuration) => update({ maxDuration })} />
        <div className="field">
          <label htmlFor={ids.limit}>Limit</label>
          <input
            id={ids.limit}
            name="limit"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_TRACE_LIMIT}
            value={draft.limit}
            onChange={(e) => update({ limit: e.target.value })}
            aria-invalid={problemOf('limit') !== undefined}
            aria-describedby={problemOf('limit') !== undefined ? `${ids.limit}-problem` : undefined}
            className="limit-input"
          />
          {problemOf('limit') !== undefined && (
            <span id={`${ids.limit}-problem`} className="field-problem">
              {problemOf('limit')}
            </span>
          )}
        </div>
        <div className="form-actions">
          <button type="submit" className="primary">
            Search
          </button>
        </div>
      </div>

      <div className="condition-row">
        <label htmlFor={ids.condition} className="condition-label">
          Attribute conditions
        </label>
        <div className={`condition-box${conditionProblem !== undefined ? ' invalid' : ''}`}>
          {hasChips && (
            <ul className="filter-chips" aria-label="Active filters">
              {draft.parentService !== '' && (
                <li className="filter-chip parent-chip" data-filter="parentService">
                  <span>
                    called by <strong>{draft.parentService}</strong>
                  </span>
                  <button type="button" className="chip-remove" aria-label={`Remove filter: called by ${draft.parentService}`} title="Remove this filter" onClick={() => run({ ...draft, parentService: '' })}>
                    ×
                  </button>
                </li>
              )}
              {draft.attr.map((text) => (
                <li key={text} className="filter-chip" data-filter="attr" data-condition={text} title={describeCondition(text)}>
                  <code>{text}</code>
                  <button type="button" className="chip-remove" aria-label={`Remove condition ${text}`} title="Remove this condition" onClick={() => run({ ...draft, attr: draft.attr.filter((a) => a !== text) })}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
          <input
            id={ids.condition}
            name="condition"
            className="condition-input"
            value={conditionText}
            onChange={(e) => {
              setConditionText(e.target.value);
              if (conditionProblem !== undefined) setConditionProblem(undefined);
            }}
            onKeyDown={handleConditionKey}
            placeholder={draft.attr.length === 0 ? 'http.response.status_code>=500' : 'another condition'}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={conditionProblem !== undefined}
            aria-describedby={conditionProblem !== undefined ? `${ids.condition}-problem` : ids.conditionHint}
          />
          <button type="button" className="add-condition" onClick={addCondition}>
            Add
          </button>
        </div>
        {conditionProblem !== undefined ? (
          <span id={`${ids.condition}-problem`} className="field-problem" role="alert">
            {conditionProblem}
          </span>
        ) : (
          <span id={ids.conditionHint} className="field-hint muted">
            <code>key=value</code>, <code>key!=value</code>, <code>key&gt;n</code>, <code>key&lt;n</code>, <code>key&gt;=n</code>, <code>key&lt;=n</code>, or a <code>key</code> alone (it exists); Enter adds one.
          </span>
        )}
      </div>
      <p id={ids.hint} className="form-hint muted">
        A trace matches when one of its spans meets every condition (service, operation, kind, status, duration and attributes).
      </p>
      {services.kind === 'error' && <ErrorView what="services" error={services.error} />}
    </form>
  );
}

function DurationField({ label, name, id, value, placeholder, problem, onChange }: { label: string; name: string; id: string; value: string; placeholder: string; problem: string | undefined; onChange: (value: string) => void }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        size={9}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={problem !== undefined}
        aria-describedby={problem !== undefined ? `${id}-problem` : undefined}
      />
      {problem !== undefined && (
        <span id={`${id}-problem`} className="field-problem">
          {problem}
        </span>
      )}
    </div>
  );
}
