// The EC2 Query reads verify makes, against moto: a filter by id answers with the ids that exist, and an
// error reply becomes an error named by its code (the name verify classifies denied calls by).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import {
  EC2Client,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand
} from '@aws-sdk/client-ec2'
import { ec2Endpoint, ec2Reads, Ec2Error, xmlValues } from '../../src/aws/ec2-query.js'
import { startMoto, type Moto } from '../../test/moto/index.js'
import { describeWithMoto } from '../helpers/moto.js'
import { expect } from '../helpers/expect.js'

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }

describeWithMoto('EC2 Query reads against moto', () => {
  let server: Moto
  beforeAll(async () => {
    server = (await startMoto())!
  })
  afterAll(async () => server.stop())
  const moto = () => server
  it('finds the subnets and security groups that exist, and only those', async () => {
    const sdk = new EC2Client({ region: 'us-east-1', endpoint: moto().endpoint, credentials })
    const vpc = await sdk.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))
    const subnet = await sdk.send(
      new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: '10.0.1.0/24' })
    )
    const group = await sdk.send(
      new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpc.Vpc!.VpcId! })
    )
    sdk.destroy()
    const reads = await ec2Reads({ region: 'us-east-1', credentials, endpoint: moto().endpoint })
    const subnetId = subnet.Subnet!.SubnetId!
    expect(await reads.existingSubnets([subnetId, 'subnet-0000000000000dead'])).toEqual([subnetId])
    expect(await reads.existingSecurityGroups([group.GroupId!, 'sg-0000000000000dead'])).toEqual([
      group.GroupId!
    ])
  })
})

describe('EC2 Query replies', () => {
  it('an error reply is an error named by its code, with its message and status', async () => {
    const server = createServer((_, res) => {
      res.writeHead(403, { 'content-type': 'text/xml' })
      res.end(
        '<?xml version="1.0"?><Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized &amp; so on</Message></Error></Errors><RequestID>1</RequestID></Response>'
      )
    })
    await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
    const { port } = server.address() as AddressInfo
    const reads = await ec2Reads({ region: 'us-east-1', credentials, endpoint: `http://127.0.0.1:${port}` })
    const error = await reads.existingSubnets(['subnet-1']).catch((e: unknown) => e)
    server.close()
    expect(error).toBeInstanceOf(Ec2Error)
    expect((error as Ec2Error).name).toBe('UnauthorizedOperation')
    expect((error as Ec2Error).message).toBe('You are not authorized & so on')
    expect((error as Ec2Error).$metadata.httpStatusCode).toBe(403)
  })

  it('the endpoint follows AWS_ENDPOINT_URL_EC2, then AWS_ENDPOINT_URL, then the region (China too)', () => {
    expect(ec2Endpoint('eu-west-1', { AWS_ENDPOINT_URL_EC2: 'http://a', AWS_ENDPOINT_URL: 'http://b' })).toBe(
      'http://a'
    )
    expect(ec2Endpoint('eu-west-1', { AWS_ENDPOINT_URL: 'http://b' })).toBe('http://b')
    expect(ec2Endpoint('eu-west-1', {})).toBe('https://ec2.eu-west-1.amazonaws.com')
    expect(ec2Endpoint('cn-north-1', {})).toBe('https://ec2.cn-north-1.amazonaws.com.cn')
  })

  it('reads tag values with XML entities decoded', () => {
    expect(xmlValues('<a><subnetId>subnet-1</subnetId><subnetId>s&amp;2</subnetId></a>', 'subnetId')).toEqual(
      ['subnet-1', 's&2']
    )
  })
})
