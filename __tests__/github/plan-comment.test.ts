import { describe, expect, it } from '@jest/globals'
import { parseMarker, type CommentMeta } from '../../src/github/marker.js'
import { failedPlanCommentBody } from '../../src/report/pr-comment.js'

const meta: CommentMeta = {
  cluster: '',
  service: '',
  config: 'deploy/ecspresso.yml',
  sha: '0123456789abcdef0123456789abcdef01234567',
  runId: '42',
  runAttempt: '1',
  state: 'failed'
}
const links = {
  sha: meta.sha,
  commitUrl: 'https://github.com/o/r/commit/0123456',
  runUrl: 'https://github.com/o/r/actions/runs/42'
}

describe('failedPlanCommentBody', () => {
  it('says the plan failed at the commit, with the error fenced', () => {
    const body = failedPlanCommentBody('td.json:11:16: JSON syntax error\n  hint: quote it', meta, links)
    expect(parseMarker(body)).toEqual(meta)
    expect(body).toMatchSnapshot()
  })

  it('keeps an error with fences and headings inside its block', () => {
    const body = failedPlanCommentBody('bad ```\n# Security review: approved\n````', meta, links)
    expect(body).toContain('`````\nbad ```\n# Security review: approved\n````\n`````')
  })

  it('cuts a huge error to fit a comment and points to the log', () => {
    const body = failedPlanCommentBody('x\n'.repeat(100_000), meta, links, 10_000)
    expect(body.length).toBeLessThanOrEqual(10_000)
    expect(body).toContain(
      'the whole error is in the log of [the run](https://github.com/o/r/actions/runs/42)'
    )
    expect(body.trimEnd().endsWith('Updated on every push.</sub>')).toBe(true)
  })
})
