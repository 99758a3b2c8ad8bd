import type { Status } from '../contract.js'

/** One icon per status, the same in every summary and comment headline, so a glance reads them alike. */
export const STATUS_ICON: Partial<Record<Status, string>> = {
  succeeded: '✅',
  started: '🚀',
  superseded: '⏭️',
  failed: '❌',
  'rolled-back': '↩️',
  'rolling-back': '↩️',
  'timed-out': '⏱️',
  cancelled: '🛑',
  paused: '⏸️',
  // A service several configs never started: nothing happened to it.
  skipped: '➖',
  'dry-run': '📝'
}
