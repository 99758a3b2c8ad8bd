"use strict";export const id=563,ids=[563],modules={3563:((Y,O,u)=>{u.d(O,{Tw:()=>M,bC:()=>k,z0:()=>w});var f=u(7598),b=u.n(f),S=u(2876),P=u(3665),h=u(3916);const G=50,D=4096,L=5e3,N="test-command",v=/^(INPUT_.*|GITHUB_OUTPUT|GITHUB_STATE|GITHUB_ENV|GITHUB_PATH|GITHUB_STEP_SUMMARY)$/i,y=String.raw`
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
`;async function w(t,e,i={}){const c=t.clock.now();if(t.signal?.aborted)return{exitCode:void 0,timedOut:!1,cancelled:!0,durationMs:0,tail:[]};const s=(0,f.randomBytes)(16).toString("hex"),l=new U(G),n={};for(const[o,d]of Object.entries(t.env))d!==void 0&&!v.test(o)&&(n[o]=d);Object.assign(n,e.env);let a,p,E;const C=o=>{p===void 0&&(p=o,a!==void 0&&T(a,i.killGraceMs??L,d=>E=d))},R=o=>{if(a===void 0&&o.startsWith(`${s} `)){a=Number(o.slice(s.length+1)),p!==void 0&&T(a,i.killGraceMs??L,d=>E=d);return}l.push(o),t.log.info(o)},_=new AbortController,I=()=>C("cancel");t.signal?.addEventListener("abort",I,{once:!0}),t.clock.sleep(e.timeoutMs,_.signal).then(()=>{_.signal.aborted||C("timeout")});let m;try{m=await t.log.group(N,()=>(0,S.m)(process.execPath,["--input-type=commonjs","-e",y,"--",s,String(D),e.command],{env:n,silent:!0,ignoreReturnCode:!0,delay:1e3,listeners:{stdline:R,errline:R}}))}catch(o){const d=`the test command could not start: ${o instanceof Error?o.message:String(o)}`;l.push(d),t.log.info(d),m=127}finally{_.abort(),t.signal?.removeEventListener("abort",I),E!==void 0&&clearTimeout(E)}return{exitCode:p===void 0?m:void 0,timedOut:p==="timeout",cancelled:p==="cancel",durationMs:Math.max(0,t.clock.now()-c),tail:l.lines()}}function T(t,e,i){const c=l=>{try{process.kill(-t,l)}catch{}};c("SIGTERM");const s=setTimeout(()=>c("SIGKILL"),e);s.unref(),i(s)}class U{size;ring=[];next=0;constructor(e){this.size=e}push(e){this.ring.length<this.size?this.ring.push(e):this.ring[this.next]=e,this.next=(this.next+1)%this.size}lines(){return this.ring.length<this.size?[...this.ring]:[...this.ring.slice(this.next),...this.ring.slice(0,this.next)]}}const r={Controller:"ECS_DEPLOY_CONTROLLER",Cluster:"ECS_DEPLOY_CLUSTER",Service:"ECS_DEPLOY_SERVICE",TaskDefinitionArn:"ECS_DEPLOY_TASK_DEFINITION_ARN",DeploymentId:"ECS_DEPLOY_DEPLOYMENT_ID",TestListenerArn:"ECS_DEPLOY_TEST_LISTENER_ARN",TestListenerRuleArn:"ECS_DEPLOY_TEST_LISTENER_RULE_ARN",ProductionListenerArn:"ECS_DEPLOY_PRODUCTION_LISTENER_ARN",ProductionListenerRuleArn:"ECS_DEPLOY_PRODUCTION_LISTENER_RULE_ARN",TargetGroupArn:"ECS_DEPLOY_TARGET_GROUP_ARN",AlternateTargetGroupArn:"ECS_DEPLOY_ALTERNATE_TARGET_GROUP_ARN",TargetGroups:"ECS_DEPLOY_TARGET_GROUPS",ContainerName:"ECS_DEPLOY_CONTAINER_NAME",ContainerPort:"ECS_DEPLOY_CONTAINER_PORT"};function g(t){const e=/^(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)listener-rule\/((?:app|net|gwy)\/[^/]+\/[^/]+\/[^/]+)\/[^/]+$/.exec(t);return e?`${e[1]}listener/${e[2]}`:void 0}function M(t){const e={[r.Controller]:t.controller,[r.TaskDefinitionArn]:t.taskDefinitionArn,[r.DeploymentId]:t.deploymentId},i=t.service,c=i.loadBalancers??[],s=c.find(n=>n.advancedConfiguration?.testListenerRule)??c[0];if(e[r.Service]=i.serviceName,e[r.ContainerName]=s?.containerName,e[r.ContainerPort]=s?.containerPort?.toString(),t.controller==="ECS"){e[r.Cluster]=i.clusterArn===void 0?void 0:A(i.clusterArn);const n=s?.advancedConfiguration;e[r.TestListenerRuleArn]=n?.testListenerRule,e[r.TestListenerArn]=n?.testListenerRule&&g(n.testListenerRule),e[r.ProductionListenerRuleArn]=n?.productionListenerRule,e[r.ProductionListenerArn]=n?.productionListenerRule&&g(n.productionListenerRule),e[r.TargetGroupArn]=s?.targetGroupArn,e[r.AlternateTargetGroupArn]=n?.alternateTargetGroupArn}else{e[r.Cluster]=A(t.cluster);const n=t.group.loadBalancerInfo?.targetGroupPairInfoList?.[0];e[r.TestListenerArn]=n?.testTrafficRoute?.listenerArns?.join(","),e[r.ProductionListenerArn]=n?.prodTrafficRoute?.listenerArns?.join(","),e[r.TargetGroups]=n?.targetGroups?.map(a=>a.name).filter(a=>!!a).join(",")}const l={};for(const[n,a]of Object.entries(e))a&&(l[n]=a);return l}function A(t){return t.includes("/")?t.slice(t.lastIndexOf("/")+1):t}const x=["BLUE_GREEN","LINEAR","CANARY"];function k(t,e,i){if(t===void 0)return;const c={input:P.pd.TestCommand};if((e?.deploymentController?.type??i?.deploymentController?.type??"ECS")==="CODE_DEPLOY")return e!==void 0?void 0:new h.lZ("test-command cannot run while the service is created: CreateService starts a CODE_DEPLOY service without a CodeDeploy deployment",{where:c,hint:"deploy once without test-command to create the service; later deploys run it"});const l=i?.deploymentConfiguration?.strategy??e?.deploymentConfiguration?.strategy??"ROLLING";if(!x.includes(l))return new h.lZ(`test-command needs test traffic, but this service deploys ${l} (no test traffic reaches the new revision before production)`,{where:c,hint:"use a CODE_DEPLOY blue/green deployment group with a test listener, or deploymentConfiguration.strategy BLUE_GREEN, LINEAR or CANARY with a test listener rule; or remove test-command"})}})};
