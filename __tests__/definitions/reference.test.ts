import { describe, expect, it } from '@jest/globals'
import { parseImageReference } from '../../src/definitions/reference.js'

const f64 = 'f'.repeat(64)

// Cases from the distribution/reference parse tests (the grammar's reference implementation), plus the ones
// ECS deployments meet.
describe('image reference grammar', () => {
  it.each([
    ['nginx', { name: 'nginx' }],
    [
      'public.ecr.aws/nginx/nginx:1.27',
      { name: 'public.ecr.aws/nginx/nginx', domain: 'public.ecr.aws', tag: '1.27' }
    ],
    [
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:${'0123456789abcdef'.repeat(4)}`,
      {
        name: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web',
        domain: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
        digest: `sha256:${'0123456789abcdef'.repeat(4)}`
      }
    ],
    ['localhost:5000/a/b:tag', { name: 'localhost:5000/a/b', domain: 'localhost:5000', tag: 'tag' }],
    ['test_com', { name: 'test_com' }],
    ['test.com:tag', { name: 'test.com', tag: 'tag' }],
    ['test.com:5000', { name: 'test.com', tag: '5000' }],
    ['test:5000/repo', { name: 'test:5000/repo', domain: 'test:5000' }],
    [
      `test:5000/repo:tag@sha256:${f64}`,
      { name: 'test:5000/repo', domain: 'test:5000', tag: 'tag', digest: `sha256:${f64}` }
    ],
    ['lowercase:Uppercase', { name: 'lowercase', tag: 'Uppercase' }],
    [
      'sub-dom1.foo.com/bar/baz/quux:some-long-tag',
      { name: 'sub-dom1.foo.com/bar/baz/quux', tag: 'some-long-tag' }
    ],
    ['b.gcr.io/test.example.com/my-app:test.example.com', { domain: 'b.gcr.io', tag: 'test.example.com' }],
    ['xn--n3h.com/myimage:xn--n3h.com', { domain: 'xn--n3h.com' }],
    [`xn--7o8h.com/myimage:xn--7o8h.com@sha512:${'f'.repeat(128)}`, { digest: `sha512:${'f'.repeat(128)}` }],
    ['foo_bar.com:8080', { name: 'foo_bar.com', tag: '8080' }],
    ['foo/foo_bar.com:8080', { name: 'foo/foo_bar.com', domain: 'foo', tag: '8080' }],
    ['192.168.1.1:5000/repo:5050', { domain: '192.168.1.1:5000', tag: '5050' }],
    ['[2001:db8::1]/repo', { domain: '[2001:db8::1]' }],
    ['[2001:db8::1]:5000/repo:tag', { domain: '[2001:db8::1]:5000', tag: 'tag' }],
    ['[::1]:5000/repo', { domain: '[::1]:5000' }],
    [`${'a/'.repeat(127)}a:tag-puts-this-over-max`, { tag: 'tag-puts-this-over-max' }],
    ['docker.io/library/nginx:1.27-alpine', { domain: 'docker.io' }],
    ['a__b/c---d:x', { name: 'a__b/c---d' }]
  ])('accepts %s', (image, expected) => {
    const parsed = parseImageReference(image)
    expect(parsed).toMatchObject({ ok: true, reference: expected })
  })

  it.each([
    ['repo/web:tag=evil', /invalid tag "tag=evil"/],
    ['repo/web@sha256:=abc', /invalid digest "sha256:=abc"/],
    ['repo/web\u0000:latest', /control character \(U\+0000\) at position 9/],
    ['repo/web:latest\n::warning::x', /control character \(U\+000A\)/],
    ['', /empty/],
    [':justtag', /no repository name/],
    [`@sha256:${f64}`, /no repository name/],
    ['repo@sha256:ffffffffffffffffffffffffffffffffff', /sha256 digest that is not 64 lowercase hex/],
    [`validname@invaliddigest:${f64}`, /algorithm "invaliddigest"/],
    [`repo@sha256:${'F'.repeat(64)}`, /lowercase hex/],
    ['Uppercase:tag', /uppercase letters/],
    ['test:5000/Uppercase/lowercase:tag', /uppercase letters/],
    [`localhost/${'a/'.repeat(128)}a:tag`, /repository path of 257 characters/],
    ['aa/asdf$$^/aa', /invalid repository name/],
    ['[2001:db8::1]', /invalid/],
    ['[2001:db8::1]:5000', /invalid/],
    ['[fe80::1%eth0]:5000/repo', /invalid/],
    ['repo/web:tag:other', /invalid tag/],
    ['repo//web', /invalid repository name/],
    ['-repo/web', /invalid repository name/],
    ['repo/web:.tag', /invalid tag/],
    [`repo/web:${'t'.repeat(129)}`, /invalid tag/],
    ['repo/web latest', /whitespace/]
  ])('refuses %j', (image, reason) => {
    const parsed = parseImageReference(image)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) {
      expect(parsed.reason).toMatch(reason)
      // A reason quotes at most a short, escaped part of the input: no raw control characters.
      expect([...parsed.reason].some(c => c.charCodeAt(0) < 0x20)).toBe(false)
      expect(parsed.reason.length).toBeLessThan(300)
    }
  })

  it('refuses a 50 MB string without running the grammar over it', () => {
    expect(parseImageReference('x'.repeat(50_000_000))).toEqual({
      ok: false,
      reason: 'is 50000000 characters long'
    })
  })
})
