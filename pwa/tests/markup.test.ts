import { describe, expect, it } from 'vitest'
import { arrowHead, strokeWidth, withoutPhoto } from '../src/lib/markup'

describe('markup geometry', () => {
  it('puts the arrow head behind the tip, on both sides of the line', () => {
    const [a, b] = arrowHead({ tool: 'arrow', x1: 0, y1: 0, x2: 100, y2: 0 }, 20)
    expect(a[0]).toBeLessThan(100)
    expect(b[0]).toBeLessThan(100)
    expect(Math.sign(a[1])).toBe(-Math.sign(b[1]))
    expect(Math.hypot(100 - a[0], a[1])).toBeCloseTo(20)
  })

  it('removes an original together with its marked-up copies, a copy alone', () => {
    const links: Record<string, string> = { b: 'a', d: 'c' }
    const of = (id: string): string | undefined => links[id]
    expect(withoutPhoto(['a', 'b', 'c', 'd'], 'a', of)).toEqual(['c', 'd'])
    expect(withoutPhoto(['a', 'b', 'c', 'd'], 'd', of)).toEqual(['a', 'b', 'c'])
  })

  it('scales the line with the photo, never thinner than 4 px', () => {
    expect(strokeWidth(2048, 1536)).toBe(13)
    expect(strokeWidth(320, 240)).toBe(4)
  })
})
