/** The photos of one selection that still fit under the limit, and how many were refused. */
export function withinLimit<T>(have: number, picked: readonly T[], max: number): { kept: T[]; refused: number } {
  const room = Math.max(0, max - have)
  return { kept: picked.slice(0, room), refused: Math.max(0, picked.length - room) }
}
