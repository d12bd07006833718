import { useId, type KeyboardEvent } from 'react';

/**
 * The find-in-trace box: the query, how many spans match and which one is current
 * ("3 of 17"), and previous/next (also Shift+Enter / Enter; Escape clears).
 */
export function SpanSearchBar({ query, onQueryChange, matchCount, currentMatch, onStep }: { query: string; onQueryChange: (query: string) => void; matchCount: number; currentMatch: number; onStep: (direction: 1 | -1) => void }) {
  const id = useId();
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      onStep(event.shiftKey ? -1 : 1);
    } else if (event.key === 'Escape' && query !== '') {
      event.preventDefault();
      onQueryChange('');
    }
  };
  const blank = query.trim() === '';
  const status = blank ? '' : matchCount === 0 ? 'No matches' : currentMatch >= 0 ? `${currentMatch + 1} of ${matchCount}` : `${matchCount} ${matchCount === 1 ? 'match' : 'matches'}`;
  return (
    <div className="span-search" role="search" aria-label="Find spans in this trace">
      <label htmlFor={`${id}-input`}>Find in trace</label>
      <input
        id={`${id}-input`}
        type="search"
        value={query}
        onChange={(e) => onQueryChange(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder="name, service, span id, attribute…"
        autoComplete="off"
        spellCheck={false}
        aria-describedby={`${id}-status`}
      />
      <output id={`${id}-status`} className={`span-search-status${!blank && matchCount === 0 ? ' none' : ''}`} aria-live="polite">
        {status}
      </output>
      <button type="button" onClick={() => onStep(-1)} disabled={matchCount === 0} aria-label="Previous match" title="Previous match (Shift+Enter)">
        ↑
      </button>
      <button type="button" onClick={() => onStep(1)} disabled={matchCount === 0} aria-label="Next match" title="Next match (Enter)">
        ↓
      </button>
    </div>
  );
}
