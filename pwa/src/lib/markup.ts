/** Marks drawn on a photo, in the photo's own pixels (so the export needs no rescaling). */
export type Tool = 'arrow' | 'circle' | 'text'
export interface Mark { tool: Tool; x1: number; y1: number; x2: number; y2: number; text?: string }

export const MARK_COLOR = '#ff2d2d'

/** The photo list without a removed photo, and without its marked-up copies: a copy never stays
 *  without the original it was drawn on (the evidence). */
export function withoutPhoto(ids: readonly string[], removed: string, markupOf: (id: string) => string | undefined): string[] {
  return ids.filter((id) => id !== removed && markupOf(id) !== removed)
}

/** Line width for a photo: visible on a 2048 px photo and on a 640 px one alike. */
export function strokeWidth(width: number, height: number): number {
  return Math.max(4, Math.round(Math.max(width, height) / 160))
}

/** The two ends of an arrow's head at (x2, y2), pointing along the line from (x1, y1). */
export function arrowHead(m: Mark, size: number): [[number, number], [number, number]] {
  const angle = Math.atan2(m.y2 - m.y1, m.x2 - m.x1)
  const spread = Math.PI / 7
  return [
    [m.x2 - size * Math.cos(angle - spread), m.y2 - size * Math.sin(angle - spread)],
    [m.x2 - size * Math.cos(angle + spread), m.y2 - size * Math.sin(angle + spread)],
  ]
}

export function drawMarks(ctx: CanvasRenderingContext2D, marks: readonly Mark[], width: number, height: number): void {
  const lw = strokeWidth(width, height)
  ctx.save()
  ctx.strokeStyle = MARK_COLOR
  ctx.fillStyle = MARK_COLOR
  ctx.lineWidth = lw
  ctx.lineCap = 'round'
  ctx.lineJoin = 'round'
  for (const m of marks) {
    ctx.beginPath()
    if (m.tool === 'arrow') {
      const [a, b] = arrowHead(m, lw * 5)
      ctx.moveTo(m.x1, m.y1)
      ctx.lineTo(m.x2, m.y2)
      ctx.moveTo(a[0], a[1])
      ctx.lineTo(m.x2, m.y2)
      ctx.lineTo(b[0], b[1])
      ctx.stroke()
    } else if (m.tool === 'circle') {
      ctx.ellipse((m.x1 + m.x2) / 2, (m.y1 + m.y2) / 2, Math.abs(m.x2 - m.x1) / 2 || lw, Math.abs(m.y2 - m.y1) / 2 || lw,
        0, 0, 2 * Math.PI)
      ctx.stroke()
    } else if (m.text) {
      // white halo: red text stays readable on a red or busy background
      ctx.font = `bold ${lw * 8}px sans-serif`
      ctx.textBaseline = 'middle'
      ctx.lineWidth = lw * 1.5
      ctx.strokeStyle = '#fff'
      ctx.strokeText(m.text, m.x1, m.y1)
      ctx.fillText(m.text, m.x1, m.y1)
      ctx.lineWidth = lw
      ctx.strokeStyle = MARK_COLOR
    }
  }
  ctx.restore()
}
