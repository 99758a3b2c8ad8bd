/**
 * A minimal CloudWatch Logs (JSON 1.1, target prefix `Logs_20140328`): log groups and streams, the events
 * the awslogs driver writes for emulated tasks, GetLogEvents with forward/backward tokens and
 * FilterLogEvents. Refuses what CloudWatch Logs refuses (a group or stream that does not exist, a bad token).
 */
import type { Operation } from './ecs-api.js'
import { AwsError, asArray, asNumber, asString, asStringArray, type Json } from './util.js'
import type { World } from './world.js'

export interface LogEvent {
  timestamp: number
  message: string
  ingestionTime: number
}

interface LogStream {
  name: string
  createdAt: number
  events: LogEvent[]
}

interface LogGroup {
  name: string
  arn: string
  createdAt: number
  streams: Map<string, LogStream>
}

/** GetLogEvents returns at most this many events per call (AWS: 10,000 or 1 MB). */
const MAX_EVENTS = 10_000

const groupNotFound = (): AwsError =>
  new AwsError('ResourceNotFoundException', 'The specified log group does not exist.')
const streamNotFound = (): AwsError =>
  new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.')
const invalid = (message: string): AwsError => new AwsError('InvalidParameterException', message)

/** Tokens look like AWS's (`f/` or `b/` and digits); the digits are the event index. */
const token = (direction: 'f' | 'b', index: number): string =>
  `${direction}/${String(index).padStart(56, '0')}`

export class Logs {
  readonly groups = new Map<string, LogGroup>()

  constructor(private readonly world: World) {}

  createLogGroup(name: string): void {
    if (this.groups.has(name))
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists')
    if (!/^[\w\-/.#]{1,512}$/.test(name))
      throw invalid(
        `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint`
      )
    this.groups.set(name, {
      name,
      arn: this.world.arn('logs', `log-group:${name}`),
      createdAt: this.world.now(),
      streams: new Map()
    })
  }

  hasGroup(name: string): boolean {
    return this.groups.has(name)
  }

  /** What the awslogs driver does when a container starts: creates its stream (the group must exist). */
  createStream(group: string, stream: string): void {
    const g = this.groups.get(group)
    if (!g) throw groupNotFound()
    if (!g.streams.has(stream))
      g.streams.set(stream, { name: stream, createdAt: this.world.now(), events: [] })
  }

  /** A line a container wrote (the awslogs driver ships it at once). */
  put(group: string, stream: string, message: string, at: number): void {
    const s = this.groups.get(group)?.streams.get(stream)
    if (!s) throw streamNotFound()
    s.events.push({ timestamp: at, message, ingestionTime: at })
  }

  private group(params: Json): LogGroup {
    const identifier = asString(params.logGroupIdentifier, 'logGroupIdentifier')
    const name = asString(params.logGroupName, 'logGroupName')
    if (identifier !== undefined && name !== undefined)
      throw invalid('LogGroup name and LogGroup ARN are mutually exclusive parameters.')
    const ref = identifier ?? name
    if (ref === undefined) throw invalid('Either logGroupName or logGroupIdentifier is required.')
    const group = ref.startsWith('arn:')
      ? [...this.groups.values()].find(g => g.arn === ref.replace(/:\*$/, ''))
      : this.groups.get(ref)
    if (!group) throw groupNotFound()
    return group
  }

  operations(): Record<string, Operation> {
    return {
      CreateLogGroup: p => {
        this.createLogGroup(asString(p.logGroupName, 'logGroupName', true))
        return {}
      },

      CreateLogStream: p => {
        const group = this.group(p)
        const name = asString(p.logStreamName, 'logStreamName', true)
        if (group.streams.has(name))
          throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists')
        this.createStream(group.name, name)
        return {}
      },

      PutLogEvents: p => {
        const group = this.group(p)
        const stream = group.streams.get(asString(p.logStreamName, 'logStreamName', true))
        if (!stream) throw streamNotFound()
        const events = asArray(p.logEvents, 'logEvents') as Json[]
        if (events.length === 0) throw invalid('logEvents must contain at least one event.')
        for (const e of events)
          stream.events.push({
            timestamp: asNumber(e.timestamp, 'timestamp') ?? this.world.now(),
            message: asString(e.message, 'message', true),
            ingestionTime: this.world.now()
          })
        return { nextSequenceToken: undefined }
      },

      DescribeLogGroups: p => {
        const prefix = asString(p.logGroupNamePrefix, 'logGroupNamePrefix') ?? ''
        return {
          logGroups: [...this.groups.values()]
            .filter(g => g.name.startsWith(prefix))
            .sort((a, b) => (a.name < b.name ? -1 : 1))
            .map(g => ({
              logGroupName: g.name,
              arn: `${g.arn}:*`,
              logGroupArn: g.arn,
              creationTime: g.createdAt,
              storedBytes: 0
            }))
        }
      },

      GetLogEvents: p => {
        const group = this.group(p)
        const stream = group.streams.get(asString(p.logStreamName, 'logStreamName', true))
        if (!stream) throw streamNotFound()
        const limit = asNumber(p.limit, 'limit') ?? MAX_EVENTS
        if (limit < 1 || limit > MAX_EVENTS)
          throw invalid(
            `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint`
          )
        const startTime = asNumber(p.startTime, 'startTime')
        const endTime = asNumber(p.endTime, 'endTime')
        const inWindow = (e: LogEvent) =>
          (startTime === undefined || e.timestamp >= startTime) &&
          (endTime === undefined || e.timestamp < endTime)
        const all = stream.events
        const given = asString(p.nextToken, 'nextToken')
        let from: number
        let to: number
        if (given !== undefined) {
          const match = /^([fb])\/(\d{56})$/.exec(given)
          if (!match) throw invalid('The specified nextToken is invalid.')
          const index = Number(match[2])
          if (index > all.length) throw invalid('The specified nextToken is invalid.')
          if (match[1] === 'f') {
            from = index
            to = Math.min(all.length, from + limit)
          } else {
            to = index
            from = Math.max(0, to - limit)
          }
        } else if (p.startFromHead === true) {
          from = 0
          to = Math.min(all.length, limit)
        } else {
          // Without a token and startFromHead, the newest events.
          to = all.length
          from = Math.max(0, to - limit)
        }
        const events = all.slice(from, to).filter(inWindow)
        return {
          events: events.map(e => ({ ...e })),
          nextForwardToken: token('f', to),
          nextBackwardToken: token('b', from)
        }
      },

      FilterLogEvents: p => {
        const group = this.group(p)
        const names = asStringArray(p.logStreamNames, 'logStreamNames')
        const prefix = asString(p.logStreamNamePrefix, 'logStreamNamePrefix')
        if (names.length > 0 && prefix !== undefined)
          throw invalid('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.')
        const startTime = asNumber(p.startTime, 'startTime')
        const endTime = asNumber(p.endTime, 'endTime')
        const pattern = asString(p.filterPattern, 'filterPattern')
        const streams = [...group.streams.values()].filter(
          s =>
            (names.length === 0 || names.includes(s.name)) &&
            (prefix === undefined || s.name.startsWith(prefix))
        )
        const events = streams
          .flatMap(s =>
            s.events.map(e => ({ ...e, logStreamName: s.name, eventId: `${s.name}/${e.timestamp}` }))
          )
          .filter(
            e =>
              (startTime === undefined || e.timestamp >= startTime) &&
              (endTime === undefined || e.timestamp <= endTime)
          )
          .filter(
            e => pattern === undefined || pattern === '' || e.message.includes(pattern.replace(/^"|"$/g, ''))
          )
          .sort((a, b) => a.timestamp - b.timestamp)
        return {
          events,
          searchedLogStreams: streams.map(s => ({ logStreamName: s.name, searchedCompletely: true }))
        }
      }
    }
  }
}
