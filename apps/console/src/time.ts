import { useEffect, useState } from 'react';

/** Now, re-rendered every `everyMs` (countdowns, "5 min ago"). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Calls `fn` every `everyMs` while the page is shown. */
export function useInterval(fn: () => void, everyMs: number): void {
  useEffect(() => {
    const timer = setInterval(fn, everyMs);
    return () => clearInterval(timer);
  }, [fn, everyMs]);
}

/** `2d 4h`, `3h 05m`, `4m 09s`: a duration for people. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  return `${m}m ${String(sec).padStart(2, '0')}s`;
}

export function ago(iso: string, now: number): string {
  return `${humanDuration(now - new Date(iso).getTime())} ago`;
}

export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}
