import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { clearUserData, openAnxunDB, type AnxunDB, type OutboxEntry } from '../src/lib/db'
import { backoffDelay, discard, enqueue, entriesOf, retryAll, runOutbox, sha256Hex } from '../src/lib/outbox'

const USER = 7
let dbn = 0

/** A tiny in-memory stand-in for the API: enough behaviour to check what the phone sends. */
class FakeServer {
  log: string[] = []
  hazards = new Map<string, { id: number; photo_ids: number[] }>()
  photos = new Map<string, number>()
  inspections = new Map<string, number>()
  answers = new Map<number, unknown[]>()
  submitted = new Set<number>()
  /** hazard id -> actions taken; key -> what it was used for (the backend's replay rule) */
  actions = new Map<number, string[]>()
  actionKeys = new Map<string, string>()
  sentKeys: Array<string | undefined> = []
  failNext: Array<number | 'network' | 'lose-answer'> = []
  shaOverride: string | null = null
  nextId = 100

  fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    const method = init?.method ?? 'GET'
    const path = url.replace('/api/v1', '').split('?')[0] as string
    this.log.push(`${method} ${path}`)
    if (path.includes('/actions/')) this.sentKeys.push((init?.headers as Record<string, string> | undefined)?.['Idempotency-Key'])
    const fail = this.failNext.shift()
    if (fail === 'network') throw new TypeError('Failed to fetch')
    if (typeof fail === 'number') {
      return json(fail, { error: { code: `e${fail}`, message: `服务器说 ${fail}` } })
    }
    const res = await this.handle(method, path, init)
    if (fail === 'lose-answer') throw new TypeError('connection reset after the server committed')
    return res
  }

  private async handle(method: string, path: string, init?: RequestInit): Promise<Response> {
    if (method === 'POST' && path === '/photos') {
      const sha = await sha256Hex(init?.body as Blob)
      const existing = this.photos.get(sha)
      const id = existing ?? this.nextId++
      this.photos.set(sha, id)
      return json(existing ? 200 : 201, { id, sha256: this.shaOverride ?? sha })
    }
    if (method === 'POST' && path === '/hazards') {
      const body = JSON.parse(String(init?.body)) as { client_id: string; photo_ids: number[] }
      const headers = init?.headers as Record<string, string>
      expect(headers['Idempotency-Key']).toBe(body.client_id)
      const existing = this.hazards.get(body.client_id)
      if (existing) return json(200, existing)
      const h = { id: this.nextId++, photo_ids: body.photo_ids }
      this.hazards.set(body.client_id, h)
      return json(201, h)
    }
    if (method === 'POST' && path === '/inspections') {
      const body = JSON.parse(String(init?.body)) as { client_id: string }
      const id = this.inspections.get(body.client_id) ?? this.nextId++
      this.inspections.set(body.client_id, id)
      return json(201, { id })
    }
    const act = /^\/hazards\/(\d+)\/actions\/(\w+)$/.exec(path)
    if (method === 'POST' && act) {
      const id = Number(act[1])
      const key = (init?.headers as Record<string, string> | undefined)?.['Idempotency-Key']
      const what = `${id}/${act[2]}`
      if (key && this.actionKeys.has(key)) {
        if (this.actionKeys.get(key) !== what) {
          return json(422, { error: { code: 'idempotency_mismatch', message: '幂等键已用于其他操作' } })
        }
        return json(200, { id, status: 'replayed' }) // the hazard as it is now
      }
      const done = this.actions.get(id) ?? []
      if (done.includes(act[2] as string)) return json(409, { error: { code: 'invalid_transition', message: '状态已变化' } })
      this.actions.set(id, [...done, act[2] as string])
      if (key) this.actionKeys.set(key, what)
      return json(200, { id, status: 'done' })
    }
    const m = /^\/inspections\/(\d+)\/(answers|submit)$/.exec(path)
    if (m) {
      const id = Number(m[1])
      if (m[2] === 'answers') {
        if (this.submitted.has(id)) return json(409, { error: { code: 'inspection_submitted', message: '已提交' } })
        const body = JSON.parse(String(init?.body)) as { answers: unknown[] }
        this.answers.set(id, [...(this.answers.get(id) ?? []), ...body.answers])
        return json(200, { id })
      }
      this.submitted.add(id)
      return json(200, { id })
    }
    return json(404, { error: { code: 'not_found', message: path } })
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

const base = { userId: USER, attempts: 0, nextAt: 0, state: 'pending' as const, createdAt: 0, label: 't' }

async function addPhoto(db: AnxunDB, id: string, bytes: string, object: string, userId = USER): Promise<void> {
  const blob = new Blob([bytes], { type: 'image/jpeg' })
  await db.put('photos', { id, userId, blob, sha256: await sha256Hex(blob), width: 1, height: 1, createdAt: 0 })
  await enqueue(db, { ...base, userId, kind: 'photo', object, photoId: id, siteId: 1 } as OutboxEntry)
}

async function addHazard(db: AnxunDB, clientId: string, photos: string[], userId = USER): Promise<void> {
  await enqueue(db, {
    ...base, userId, kind: 'hazard', object: `hazard:${clientId}`, clientId, photos,
    body: { title: '灭火器过期', description: null, site_id: 1, category: 'fire', grade: 'general', captured_at: '' },
  } as OutboxEntry)
}

async function addAction(db: AnxunDB, hazard: number, action: string, key: string | undefined, userId = USER): Promise<void> {
  await enqueue(db, {
    ...base, userId, kind: 'hazard_action', object: `hazard-id:${hazard}`, hazard, action, body: { comment: '已整改' },
    photos: [], ...(key === undefined ? {} : { key }),
  } as OutboxEntry)
}

describe('outbox', () => {
  let db: AnxunDB
  let server: FakeServer
  let clock: number
  const deps = () => ({ db, userId: USER, token: 'tok', fetchImpl: server.fetch, now: () => clock, random: () => 0.5 })

  beforeEach(async () => {
    db = await openAnxunDB(`test-${dbn++}`)
    server = new FakeServer()
    clock = 1_000_000
  })

  it('sends the photo before the hazard that uses it and forgets both once confirmed', async () => {
    await addPhoto(db, 'p1', 'jpeg-bytes-1', 'hazard:h1')
    await addHazard(db, 'h1', ['p1'])
    const r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 2, remaining: 0 })
    expect(server.log).toEqual(['POST /photos', 'POST /hazards'])
    expect(server.hazards.get('h1')?.photo_ids).toEqual([100])
  })

  it('keeps order per object: a blocked head holds back its own object only', async () => {
    await addPhoto(db, 'p1', 'a', 'hazard:h1')
    await addHazard(db, 'h1', ['p1'])
    await addPhoto(db, 'p2', 'b', 'hazard:h2')
    await addHazard(db, 'h2', ['p2'])
    server.failNext = [422]
    const r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 2, remaining: 2, attention: 1 })
    expect(server.hazards.has('h1')).toBe(false)
    expect(server.hazards.has('h2')).toBe(true)
    const left = await entriesOf(db, USER)
    expect(left[0]).toMatchObject({ kind: 'photo', state: 'attention', error: { status: 422, message: '服务器说 422' } })
  })

  it('retries network errors and 5xx with backoff, never dropping the entry', async () => {
    await addPhoto(db, 'p1', 'a', 'hazard:h1')
    await addHazard(db, 'h1', ['p1'])
    server.failNext = ['network']
    let r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 0, remaining: 2, offline: true })
    expect(r.nextWakeAt).toBe(clock + backoffDelay(1, () => 0.5))
    // not yet due: nothing is sent
    r = await runOutbox(deps())
    expect(server.log).toHaveLength(1)
    clock += 2000
    server.failNext = [503]
    r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 0, remaining: 2, offline: false })
    expect((await entriesOf(db, USER))[0]).toMatchObject({ attempts: 2, state: 'pending' })
    expect(r.nextWakeAt).toBe(clock + 4000)
    clock += 4000
    r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 2, remaining: 0 })
  })

  it('a retry after a lost answer does not duplicate (client id / Idempotency-Key)', async () => {
    await addPhoto(db, 'p1', 'a', 'hazard:h1')
    await addHazard(db, 'h1', ['p1'])
    server.failNext = ['lose-answer', undefined as unknown as number, 'lose-answer']
    await runOutbox(deps()) // photo stored on the server, answer lost
    clock += 10_000
    await runOutbox(deps()) // photo again (same bytes: 200), hazard stored, answer lost
    clock += 10_000
    const r = await runOutbox(deps())
    expect(r).toMatchObject({ remaining: 0 })
    expect(server.photos.size).toBe(1)
    expect(server.hazards.size).toBe(1)
    expect(server.log.filter((l) => l === 'POST /hazards')).toHaveLength(2)
  })

  it('resumes after a reload: the queue lives in IndexedDB', async () => {
    const name = `reload-${dbn++}`
    const first = await openAnxunDB(name)
    await addPhoto(first, 'p1', 'a', 'hazard:h1')
    await addHazard(first, 'h1', ['p1'])
    first.close()
    db = await openAnxunDB(name) // "the app was killed and started again"
    expect(await entriesOf(db, USER)).toHaveLength(2)
    const r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 2, remaining: 0 })
  })

  it('keeps everything on 401 and stops the run', async () => {
    await addPhoto(db, 'p1', 'a', 'hazard:h1')
    await addHazard(db, 'h1', ['p1'])
    server.failNext = [401]
    const r = await runOutbox(deps())
    expect(r).toMatchObject({ authRequired: true, remaining: 2, attention: 0 })
    expect(server.log).toHaveLength(1)
    expect((await entriesOf(db, USER))[0]).toMatchObject({ attempts: 0, state: 'pending' })
  })

  it.each([409, 413, 422])('parks a %i as needing attention until the user retries or discards it', async (status) => {
    await addPhoto(db, 'p1', 'a', 'hazard:h1')
    await addHazard(db, 'h1', ['p1'])
    server.failNext = [status]
    await runOutbox(deps())
    clock += 60 * 60 * 1000
    let r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 0, attention: 1, remaining: 2 })
    await retryAll(db, USER)
    r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 2, remaining: 0 })
  })

  it('discarding a photo deliberately lets the rest of its object go', async () => {
    await addPhoto(db, 'p1', 'a', 'hazard:h1')
    await addPhoto(db, 'p2', 'b', 'hazard:h1')
    await addHazard(db, 'h1', ['p1', 'p2'])
    server.failNext = [415]
    await runOutbox(deps())
    const [bad] = await entriesOf(db, USER)
    await discard(db, USER, bad?.seq as number)
    const r = await runOutbox(deps())
    expect(r).toMatchObject({ remaining: 0 })
    expect(server.hazards.get('h1')?.photo_ids).toHaveLength(1)
  })

  it('does not accept a photo whose server sha256 differs from ours', async () => {
    await addPhoto(db, 'p1', 'a', 'hazard:h1')
    server.shaOverride = 'deadbeef'
    const r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 0, attention: 1 })
    expect((await entriesOf(db, USER))[0]?.error?.code).toBe('sha256_mismatch')
  })

  it("never sends another user's queued data", async () => {
    await addPhoto(db, 'p9', 'x', 'hazard:h9', 99)
    await addHazard(db, 'h9', ['p9'], 99)
    const r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 0, remaining: 0 })
    expect(server.log).toEqual([])
    expect(await entriesOf(db, 99)).toHaveLength(2)
    await clearUserData(db, 99)
    expect(await entriesOf(db, 99)).toHaveLength(0)
  })

  it('sends an inspection start, its answers and the submit in order', async () => {
    const object = 'inspection:i1'
    await addPhoto(db, 'p1', 'a', object)
    await enqueue(db, { ...base, kind: 'inspection_start', object, clientId: 'i1',
      body: { module_id: 1, site_id: 1, kind: 'routine', checkin_method: 'list', started_at: '' } } as OutboxEntry)
    await enqueue(db, { ...base, kind: 'inspection_answers', object, clientId: 'i1',
      answers: [{ item_id: 5, result: 'fail', note: '过期', photos: ['p1'] }] } as OutboxEntry)
    await enqueue(db, { ...base, kind: 'inspection_submit', object, clientId: 'i1' } as OutboxEntry)
    server.failNext = [undefined as unknown as number, undefined as unknown as number, 502]
    let r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 2, remaining: 2 })
    clock += 5000
    r = await runOutbox(deps())
    expect(r).toMatchObject({ remaining: 0 })
    expect(server.log).toEqual(['POST /photos', 'POST /inspections', 'PUT /inspections/101/answers',
      'PUT /inspections/101/answers', 'POST /inspections/101/submit'])
    expect(server.answers.get(101)?.[0]).toMatchObject({ item_id: 5, photo_ids: [100], after_photo_ids: [] })
    expect(server.submitted.has(101)).toBe(true)
  })
  it('sends a hazard action with its own Idempotency-Key', async () => {
    await addAction(db, 42, 'verify', 'key-1')
    await addAction(db, 43, 'verify', 'key-2')
    const r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 2, remaining: 0 })
    expect(server.log).toEqual(['POST /hazards/42/actions/verify', 'POST /hazards/43/actions/verify'])
    expect(server.sentKeys).toEqual(['key-1', 'key-2'])
  })

  it('a retry of an action after a lost answer is done on the 200 replay, taken once', async () => {
    await addAction(db, 42, 'submit', 'key-1')
    server.failNext = ['lose-answer']
    let r = await runOutbox(deps()) // the server took the action, the phone never heard
    expect(r).toMatchObject({ sent: 0, remaining: 1, offline: true })
    expect(server.actions.get(42)).toEqual(['submit'])
    clock += 10_000
    r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 1, remaining: 0, attention: 0 })
    expect(server.actions.get(42)).toEqual(['submit'])
    expect(server.sentKeys).toEqual(['key-1', 'key-1'])
    // no timeline lookup any more: only the two POSTs
    expect(server.log).toEqual(['POST /hazards/42/actions/submit', 'POST /hazards/42/actions/submit'])
  })

  it('keeps the key stable across retries and reloads (also for an entry queued without one)', async () => {
    const name = `action-reload-${dbn++}`
    let d = await openAnxunDB(name)
    await addAction(d, 42, 'verify', undefined) // queued by the previous version of the app
    db = d
    server.failNext = ['lose-answer']
    await runOutbox(deps())
    const [stored] = await entriesOf(d, USER)
    const key = stored?.kind === 'hazard_action' ? stored.key : undefined
    expect(key).toMatch(/^[0-9a-f-]{36}$/)
    expect(server.sentKeys).toEqual([key])
    d.close()
    d = await openAnxunDB(name) // "the app was killed and started again"
    db = d
    clock += 10_000
    server.failNext = [503]
    await runOutbox(deps())
    clock += 60_000
    const r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 1, remaining: 0 })
    expect(server.sentKeys).toEqual([key, key, key])
    expect(server.actions.get(42)).toEqual(['verify'])
  })

  it('parks an idempotency_mismatch (422) for the user', async () => {
    server.actionKeys.set('key-1', '41/verify')
    await addAction(db, 42, 'verify', 'key-1')
    const r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 0, attention: 1 })
    expect((await entriesOf(db, USER))[0]?.error).toMatchObject({ status: 422, code: 'idempotency_mismatch' })
  })

  it('sends a photo as the raw body of its own type, its client id and site in the query', async () => {
    await addPhoto(db, 'p1', 'a', 'hazard:h1')
    const seen: Array<{ type: string | undefined; body: unknown; query: string }> = []
    const inner = server.fetch
    server.fetch = async (url, init) => {
      const headers = init?.headers as Record<string, string>
      seen.push({ type: headers['Content-Type'], body: init?.body, query: new URL(url, 'http://phone').search })
      return inner(url, init)
    }
    await runOutbox(deps())
    expect(seen).toHaveLength(1)
    expect(seen[0]?.type).toBe('image/jpeg')
    expect(seen[0]?.body).toBeInstanceOf(Blob)
    expect(seen[0]?.query).toBe('?client_id=p1&site_id=1')
  })

  it('sends the EXIF capture time read before resizing as taken_at', async () => {
    await addPhoto(db, 'p1', 'a', 'hazard:h1')
    const p = await db.get('photos', 'p1')
    await db.put('photos', { ...p!, takenAt: '2025-03-04T09:15:30+08:00' })
    await addPhoto(db, 'p2', 'b', 'hazard:h1') // no EXIF time: no field
    const seen: Array<string | null> = []
    const inner = server.fetch
    server.fetch = async (url, init) => {
      seen.push(new URL(url, 'http://phone').searchParams.get('taken_at'))
      return inner(url, init)
    }
    await runOutbox(deps())
    expect(seen).toEqual(['2025-03-04T09:15:30+08:00', null])
  })
})
