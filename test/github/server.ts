/**
 * A local HTTP server standing in for the GitHub REST API's issue comments: list (paginated with Link
 * headers, like GitHub), create, update; plus who the token is (GraphQL `viewer`, REST `GET /user`) and a pull
 * request's head commit. Each token is an identity: comments are written under it, and updating someone
 * else's comment is refused, as GitHub refuses it to a token without the right to edit others' comments.
 * Tests point Octokit's baseUrl at it and read what was posted.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeComment {
  id: number
  body: string
  user: { login: string; type: string }
  html_url: string
  created_at: string
  updated_at: string
}

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly authorization: string | undefined
  readonly body: unknown
}

export interface FakeFailure {
  readonly status: number
  readonly headers?: Record<string, string>
  readonly message: string
  /** Only for requests with this method (e.g. POST), else any. */
  readonly method?: string
  /** Only for requests whose path contains this (e.g. `/comments`), else any. */
  readonly path?: string
}

/** Who a token is. Installation tokens (GITHUB_TOKEN, app tokens) are bots; PATs are users. */
export interface FakeIdentity {
  readonly login: string
  readonly type: 'Bot' | 'User'
}

/** GITHUB_TOKEN's identity, used for any token the test did not name. */
export const ACTIONS_BOT: FakeIdentity = { login: 'github-actions[bot]', type: 'Bot' }

export interface FakeGithub {
  /** The API root to use as Octokit's baseUrl. */
  readonly url: string
  readonly requests: RecordedRequest[]
  /** Comments by `owner/repo#number`. */
  comments(repo: string, issue: number): FakeComment[]
  /** Seed a comment (e.g. someone else's, or one from an earlier run). */
  addComment(repo: string, issue: number, body: string, login?: string): FakeComment
  /** The next matching requests fail with this answer, once per entry. */
  failNext(...failures: FakeFailure[]): void
  /** Every write answers 403, as for a read-only GITHUB_TOKEN or a fork PR. */
  readOnly: boolean
  /** Tokens by their secret (without the `token ` scheme); others are ACTIONS_BOT. */
  readonly identities: Map<string, FakeIdentity>
  /** The head commit `GET /repos/{repo}/pulls/{n}` answers; a pull request not set answers 404. */
  setHead(repo: string, pull: number, sha: string): void
  /** GraphQL answers 404 (as if unavailable), so clients fall back to REST. */
  graphqlDown: boolean
  close(): Promise<void>
}

export interface FakeGithubOptions {
  /** GitHub's default page size is 30; tests lower it to exercise pagination. */
  readonly maxPerPage?: number
}

const MAX_BODY = 65_536

export async function startFakeGithub(options: FakeGithubOptions = {}): Promise<FakeGithub> {
  const store = new Map<string, FakeComment[]>()
  const requests: RecordedRequest[] = []
  const failures: FakeFailure[] = []
  let nextId = 1000
  let clock = Date.parse('2024-05-01T12:00:00Z')
  const maxPerPage = options.maxPerPage ?? 100
  const heads = new Map<string, string>()
  let url = ''

  const list = (key: string): FakeComment[] => {
    let comments = store.get(key)
    if (!comments) store.set(key, (comments = []))
    return comments
  }
  const make = (repo: string, issue: number, body: string, login: string): FakeComment => {
    const id = nextId++
    const at = new Date((clock += 1000)).toISOString()
    const comment = {
      id,
      body,
      user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' },
      html_url: `https://github.com/${repo}/pull/${issue}#issuecomment-${id}`,
      created_at: at,
      updated_at: at
    }
    list(`${repo}#${issue}`).push(comment)
    return comment
  }

  const fake: FakeGithub = {
    url: '',
    requests,
    comments: (repo, issue) => list(`${repo}#${issue}`),
    addComment: (repo, issue, body, login = 'octocat') => make(repo, issue, body, login),
    failNext: (...more) => void failures.push(...more),
    readOnly: false,
    identities: new Map(),
    setHead: (repo, pull, sha) => void heads.set(`${repo}#${pull}`, sha),
    graphqlDown: false,
    close: () => new Promise<void>(resolve => server.close(() => resolve()))
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }))
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req)
    const body: unknown = raw === '' ? undefined : JSON.parse(raw)
    const parsed = new URL(req.url ?? '/', url)
    const method = req.method ?? 'GET'
    requests.push({
      method,
      path: parsed.pathname + parsed.search,
      authorization: req.headers.authorization,
      body
    })

    if (!req.headers.authorization) return send(res, 401, { message: 'Requires authentication' })
    const token = req.headers.authorization.replace(/^(token|bearer)\s+/i, '')
    const caller = fake.identities.get(token) ?? ACTIONS_BOT
    const failure = failures.findIndex(
      f =>
        (f.method === undefined || f.method === method) &&
        (f.path === undefined || parsed.pathname.includes(f.path))
    )
    if (failure >= 0) {
      const [f] = failures.splice(failure, 1)
      return send(res, f!.status, { message: f!.message }, f!.headers)
    }

    if (parsed.pathname === '/graphql' && method === 'POST') {
      if (fake.graphqlDown) return send(res, 404, { message: 'Not Found' })
      const query = (body as { query?: unknown } | undefined)?.query
      if (typeof query === 'string' && /\bviewer\s*\{\s*login\s*\}/.test(query))
        return send(res, 200, { data: { viewer: { login: caller.login } } })
      return send(res, 200, { errors: [{ message: 'this fake answers only { viewer { login } }' }] })
    }
    if (parsed.pathname === '/user' && method === 'GET') {
      // Installation tokens may not read /user.
      if (caller.type === 'Bot')
        return send(res, 403, {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user'
        })
      return send(res, 200, { login: caller.login, type: caller.type })
    }
    const pullMatch = /^\/repos\/([^/]+\/[^/]+)\/pulls\/(\d+)$/.exec(parsed.pathname)
    if (pullMatch && method === 'GET') {
      const sha = heads.get(`${pullMatch[1]}#${pullMatch[2]}`)
      if (sha === undefined) return send(res, 404, { message: 'Not Found' })
      return send(res, 200, { number: Number(pullMatch[2]), head: { sha } })
    }

    const listMatch = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(parsed.pathname)
    const itemMatch = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(parsed.pathname)
    const forbidden = () =>
      send(res, 403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment'
      })
    const tooLong = (text: unknown): boolean =>
      typeof text !== 'string' || text.length > MAX_BODY
        ? (send(res, 422, {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'IssueComment',
                code: 'custom',
                field: 'body',
                message: 'body is too long (maximum is 65536 characters)'
              }
            ]
          }),
          true)
        : false

    if (listMatch && method === 'GET') {
      const [, repo, issue] = listMatch
      const comments = list(`${repo}#${issue}`)
      const perPage = Math.min(Number(parsed.searchParams.get('per_page') ?? 30), maxPerPage)
      const page = Number(parsed.searchParams.get('page') ?? 1)
      const pageItems = comments.slice((page - 1) * perPage, page * perPage)
      const links: string[] = []
      const pageUrl = (n: number) => {
        const next = new URL(parsed.href)
        next.searchParams.set('page', String(n))
        next.searchParams.set('per_page', String(perPage))
        return next.href
      }
      if (page * perPage < comments.length) links.push(`<${pageUrl(page + 1)}>; rel="next"`)
      if (page > 1) links.push(`<${pageUrl(page - 1)}>; rel="prev"`)
      return send(res, 200, pageItems, links.length ? { link: links.join(', ') } : {})
    }
    if (listMatch && method === 'POST') {
      if (fake.readOnly) return forbidden()
      const text = (body as { body?: unknown } | undefined)?.body
      if (tooLong(text)) return
      const [, repo, issue] = listMatch
      return send(res, 201, make(repo!, Number(issue), text as string, caller.login))
    }
    if (itemMatch && method === 'PATCH') {
      if (fake.readOnly) return forbidden()
      const text = (body as { body?: unknown } | undefined)?.body
      if (tooLong(text)) return
      const [, repo, id] = itemMatch
      const comment = [...store.entries()]
        .filter(([key]) => key.startsWith(`${repo}#`))
        .flatMap(([, comments]) => comments)
        .find(c => c.id === Number(id))
      if (!comment) return send(res, 404, { message: 'Not Found' })
      if (comment.user.login !== caller.login)
        return send(res, 403, {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest/issues/comments#update-an-issue-comment'
        })
      comment.body = text as string
      comment.updated_at = new Date((clock += 1000)).toISOString()
      return send(res, 200, comment)
    }
    return send(res, 404, { message: 'Not Found' })
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  ;(fake as { url: string }).url = url
  return fake
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(JSON.stringify(body))
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
