"use strict";export const id=565,ids=[565],modules={4351:((D,T,s)=>{s.d(T,{c:()=>C,k:()=>m});function m(p,i){const d=p.requested;if(d===void 0)return;if(p.reason==="daemon")return`desired-count ${d} is ignored: a DAEMON service runs one task per container instance`;if(i===void 0||d>=i.min&&d<=i.max)return;const L=Math.min(Math.max(d,i.min),i.max);return`desired-count ${d} is outside the auto scaling range (min ${i.min}, max ${i.max}): ${L} is applied instead, so the deploy does not fight the scaler`}function C(p,i){return i===void 0?p:{...p,desiredCount:i}}}),3563:((D,T,s)=>{s.d(T,{Tw:()=>b,bC:()=>Y,z0:()=>x});var m=s(7598),C=s.n(m),p=s(2876),i=s(3665),d=s(3916);const L=50,I=4096,A=5e3,g="test-command",f=/^(INPUT_.*|GITHUB_OUTPUT|GITHUB_STATE|GITHUB_ENV|GITHUB_PATH|GITHUB_STEP_SUMMARY)$/i,w=String.raw`
const { spawn } = require('node:child_process')
const { StringDecoder } = require('node:string_decoder')
const { constants } = require('node:os')
const [token, maxLine, command] = process.argv.slice(1)
const max = Number(maxLine)
const parent = process.ppid
const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', command], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
const killGroup = sig => { try { process.kill(-child.pid, sig) } catch {} }
child.on('error', e => { process.stdout.write('bash could not start: ' + e.message + '\n'); process.exitCode = 127 })
if (child.pid !== undefined) process.stdout.write(token + ' ' + child.pid + '\n')
const pipe = stream => {
  const decoder = new StringDecoder('utf8')
  let partial = ''
  const emit = text => {
    partial += text
    let nl
    while ((nl = partial.indexOf('\n')) !== -1) {
      // A long line's last pieces can arrive with its newline: cut them as well, never drop them.
      const line = partial.slice(0, nl)
      for (let at = 0; at === 0 || at < line.length; at += max) process.stdout.write(line.slice(at, at + max) + '\n')
      partial = partial.slice(nl + 1)
    }
    while (partial.length >= max) { process.stdout.write(partial.slice(0, max) + '\n'); partial = partial.slice(max) }
  }
  stream.on('data', chunk => emit(decoder.write(chunk)))
  stream.on('end', () => { emit(decoder.end()); if (partial !== '') process.stdout.write(partial + '\n'); partial = '' })
}
pipe(child.stdout)
pipe(child.stderr)
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { killGroup('SIGTERM'); setTimeout(() => killGroup('SIGKILL'), 2000).unref() })
const orphan = setInterval(() => { if (process.ppid !== parent) { killGroup('SIGKILL'); process.exit(137) } }, 500)
orphan.unref()
child.on('exit', (code, signal) => {
  clearInterval(orphan)
  process.exitCode = code ?? 128 + (constants.signals[signal] ?? 1)
  // What the shell left running in its group goes with it; whatever escaped the group cannot hold us.
  killGroup('SIGTERM')
  // Members that hold our pipes keep us alive until they go (SIGKILL after a second); the rest go when we do.
  setTimeout(() => killGroup('SIGKILL'), 1000).unref()
  setTimeout(() => { child.stdout.destroy(); child.stderr.destroy() }, 3000).unref()
  process.on('exit', () => killGroup('SIGKILL'))
})
`;async function x(t,e,a={}){const E=t.clock.now();if(t.signal?.aborted)return{exitCode:void 0,timedOut:!1,cancelled:!0,durationMs:0,tail:[]};const c=(0,m.randomBytes)(16).toString("hex"),u=new U(L),n={};for(const[o,_]of Object.entries(t.env))_!==void 0&&!f.test(o)&&(n[o]=_);Object.assign(n,e.env);let l,h,R;const N=o=>{h===void 0&&(h=o,l!==void 0&&P(l,a.killGraceMs??A,_=>R=_))},y=o=>{if(l===void 0&&o.startsWith(`${c} `)){l=Number(o.slice(c.length+1)),h!==void 0&&P(l,a.killGraceMs??A,_=>R=_);return}u.push(o),t.log.info(o)},O=new AbortController,M=()=>N("cancel");t.signal?.addEventListener("abort",M,{once:!0}),t.clock.sleep(e.timeoutMs,O.signal).then(()=>{O.signal.aborted||N("timeout")});let S;try{S=await t.log.group(g,()=>(0,p.m)(process.execPath,["--input-type=commonjs","-e",w,"--",c,String(I),e.command],{env:n,silent:!0,ignoreReturnCode:!0,delay:1e3,listeners:{stdline:y,errline:y}}))}catch(o){const _=`the test command could not start: ${o instanceof Error?o.message:String(o)}`;u.push(_),t.log.info(_),S=127}finally{O.abort(),t.signal?.removeEventListener("abort",M),R!==void 0&&clearTimeout(R)}return{exitCode:h===void 0?S:void 0,timedOut:h==="timeout",cancelled:h==="cancel",durationMs:Math.max(0,t.clock.now()-E),tail:u.lines()}}function P(t,e,a){const E=u=>{try{process.kill(-t,u)}catch{}};E("SIGTERM");const c=setTimeout(()=>E("SIGKILL"),e);c.unref(),a(c)}class U{size;ring=[];next=0;constructor(e){this.size=e}push(e){this.ring.length<this.size?this.ring.push(e):this.ring[this.next]=e,this.next=(this.next+1)%this.size}lines(){return this.ring.length<this.size?[...this.ring]:[...this.ring.slice(this.next),...this.ring.slice(0,this.next)]}}const r={Controller:"ECS_DEPLOY_CONTROLLER",Cluster:"ECS_DEPLOY_CLUSTER",Service:"ECS_DEPLOY_SERVICE",TaskDefinitionArn:"ECS_DEPLOY_TASK_DEFINITION_ARN",DeploymentId:"ECS_DEPLOY_DEPLOYMENT_ID",TestListenerArn:"ECS_DEPLOY_TEST_LISTENER_ARN",TestListenerRuleArn:"ECS_DEPLOY_TEST_LISTENER_RULE_ARN",ProductionListenerArn:"ECS_DEPLOY_PRODUCTION_LISTENER_ARN",ProductionListenerRuleArn:"ECS_DEPLOY_PRODUCTION_LISTENER_RULE_ARN",TargetGroupArn:"ECS_DEPLOY_TARGET_GROUP_ARN",AlternateTargetGroupArn:"ECS_DEPLOY_ALTERNATE_TARGET_GROUP_ARN",TargetGroups:"ECS_DEPLOY_TARGET_GROUPS",ContainerName:"ECS_DEPLOY_CONTAINER_NAME",ContainerPort:"ECS_DEPLOY_CONTAINER_PORT"};function G(t){const e=/^(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)listener-rule\/((?:app|net|gwy)\/[^/]+\/[^/]+\/[^/]+)\/[^/]+$/.exec(t);return e?`${e[1]}listener/${e[2]}`:void 0}function b(t){const e={[r.Controller]:t.controller,[r.TaskDefinitionArn]:t.taskDefinitionArn,[r.DeploymentId]:t.deploymentId},a=t.service,E=a.loadBalancers??[],c=E.find(n=>n.advancedConfiguration?.testListenerRule)??E[0];if(e[r.Service]=a.serviceName,e[r.ContainerName]=c?.containerName,e[r.ContainerPort]=c?.containerPort?.toString(),t.controller==="ECS"){e[r.Cluster]=a.clusterArn===void 0?void 0:v(a.clusterArn);const n=c?.advancedConfiguration;e[r.TestListenerRuleArn]=n?.testListenerRule,e[r.TestListenerArn]=n?.testListenerRule&&G(n.testListenerRule),e[r.ProductionListenerRuleArn]=n?.productionListenerRule,e[r.ProductionListenerArn]=n?.productionListenerRule&&G(n.productionListenerRule),e[r.TargetGroupArn]=c?.targetGroupArn,e[r.AlternateTargetGroupArn]=n?.alternateTargetGroupArn}else{e[r.Cluster]=v(t.cluster);const n=t.group.loadBalancerInfo?.targetGroupPairInfoList?.[0];e[r.TestListenerArn]=n?.testTrafficRoute?.listenerArns?.join(","),e[r.ProductionListenerArn]=n?.prodTrafficRoute?.listenerArns?.join(","),e[r.TargetGroups]=n?.targetGroups?.map(l=>l.name).filter(l=>!!l).join(",")}const u={};for(const[n,l]of Object.entries(e))l&&(u[n]=l);return u}function v(t){return t.includes("/")?t.slice(t.lastIndexOf("/")+1):t}const k=["BLUE_GREEN","LINEAR","CANARY"];function Y(t,e,a){if(t===void 0)return;const E={input:i.pd.TestCommand};if((e?.deploymentController?.type??a?.deploymentController?.type??"ECS")==="CODE_DEPLOY")return e!==void 0?void 0:new d.lZ("test-command cannot run while the service is created: CreateService starts a CODE_DEPLOY service without a CodeDeploy deployment",{where:E,hint:"deploy once without test-command to create the service; later deploys run it"});const u=a?.deploymentConfiguration?.strategy??e?.deploymentConfiguration?.strategy??"ROLLING";if(!k.includes(u))return new d.lZ(`test-command needs test traffic, but this service deploys ${u} (no test traffic reaches the new revision before production)`,{where:E,hint:"use a CODE_DEPLOY blue/green deployment group with a test listener, or deploymentConfiguration.strategy BLUE_GREEN, LINEAR or CANARY with a test listener rule; or remove test-command"})}}),9277:((D,T,s)=>{s.d(T,{R:()=>i});var m=s(1491),C=s(7879),p=s(6411);async function i(d,L,I,A){try{const f=(await d.send(new m.DescribeScalableTargetsCommand({ServiceNamespace:"ecs",ScalableDimension:"ecs:service:DesiredCount",ResourceIds:[`service/${(0,p.Vb)(L)}/${(0,p.Vb)(I)}`]}))).ScalableTargets?.[0];return f?.MinCapacity===void 0||f.MaxCapacity===void 0?void 0:{min:f.MinCapacity,max:f.MaxCapacity}}catch(g){if((0,C.Z)(g)==="AccessDeniedException"){A.warning("cannot read the auto scaling target (application-autoscaling:DescribeScalableTargets denied); the service definition's desiredCount is applied as is");return}throw g}}})};
