/**
 * Task-level `cpu` and `memory`. ECS takes them as CPU units / MiB ("1024") or as vCPUs / GB ("1 vCPU",
 * "1 vcpu", "1GB", "1 GB") and stores the number. ecspresso passes the text through and compares vCPUs
 * case-insensitively in its diff. Here every spelling is read the same way, units case-insensitive
 * (".25 vcpu", "0.5GB", "512 MiB", "2 gb"), and the number is what is registered, so ECS never has to parse
 * a spelling it might not know, and the diff compares numbers.
 */

export type TaskSizeKind = 'cpu' | 'memory'

const UNITS: Record<TaskSizeKind, Readonly<Record<string, number>>> = {
  cpu: { '': 1, vcpu: 1024 },
  memory: { '': 1, mib: 1, mb: 1, gib: 1024, gb: 1024 }
}

export type TaskSize =
  | { readonly ok: true; readonly units: number }
  | { readonly ok: false; readonly message: string; readonly hint: string }

const HINTS: Record<TaskSizeKind, string> = {
  cpu: 'write CPU units ("1024") or vCPUs ("1 vCPU", ".25 vcpu")',
  memory: 'write MiB ("2048") or GB ("2 GB", "0.5GB")'
}

/** Reads a task size; `ok: false` says why it is not one (an unknown unit, or not a whole number of units). */
export function parseTaskSize(text: string, kind: TaskSizeKind): TaskSize {
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*)\s*$/i.exec(text)
  const factor = m ? UNITS[kind][m[2]!.toLowerCase()] : undefined
  if (!m || factor === undefined)
    return {
      ok: false,
      message: `${kind} is ${JSON.stringify(text)}, which is not a task ${kind} size`,
      hint: HINTS[kind]
    }
  const units = Number(m[1]) * factor
  if (!Number.isInteger(units)) {
    const unit = kind === 'cpu' ? 'CPU units' : 'MiB'
    return {
      ok: false,
      message: `${kind} is ${JSON.stringify(text)}, which is ${units} ${unit}, not a whole number`,
      hint: `use ${Math.round(units)} or a value that comes to whole ${unit}`
    }
  }
  return { ok: true, units }
}

/** The number to register for a size, as ECS stores it ("256"); the text as it is when it is not a size. */
export function taskSizeValue(text: string, kind: TaskSizeKind): string {
  const size = parseTaskSize(text, kind)
  return size.ok ? String(size.units) : text
}
