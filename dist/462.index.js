"use strict";export const id=462,ids=[462,563],modules={3563:((b,D,p)=>{p.d(D,{Tw:()=>o,bC:()=>M,z0:()=>h});var A=p(7598),_=p.n(A),R=p(2876),G=p(3665),C=p(3916);const N=50,v=4096,S=5e3,s="test-command",d=/^(INPUT_.*|GITHUB_OUTPUT|GITHUB_STATE|GITHUB_ENV|GITHUB_PATH|GITHUB_STEP_SUMMARY)$/i,m=String.raw`
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
`;async function h(t,e,a={}){const E=t.clock.now();if(t.signal?.aborted)return{exitCode:void 0,timedOut:!1,cancelled:!0,durationMs:0,tail:[]};const l=(0,A.randomBytes)(16).toString("hex"),u=new y(N),r={};for(const[i,f]of Object.entries(t.env))f!==void 0&&!d.test(i)&&(r[i]=f);Object.assign(r,e.env);let c,g,P;const U=i=>{g===void 0&&(g=i,c!==void 0&&T(c,a.killGraceMs??S,f=>P=f))},x=i=>{if(c===void 0&&i.startsWith(`${l} `)){c=Number(i.slice(l.length+1)),g!==void 0&&T(c,a.killGraceMs??S,f=>P=f);return}u.push(i),t.log.info(i)},w=new AbortController,Y=()=>U("cancel");t.signal?.addEventListener("abort",Y,{once:!0}),t.clock.sleep(e.timeoutMs,w.signal).then(()=>{w.signal.aborted||U("timeout")});let k;try{k=await t.log.group(s,()=>(0,R.m)(process.execPath,["--input-type=commonjs","-e",m,"--",l,String(v),e.command],{env:r,silent:!0,ignoreReturnCode:!0,delay:1e3,listeners:{stdline:x,errline:x}}))}catch(i){const f=`the test command could not start: ${i instanceof Error?i.message:String(i)}`;u.push(f),t.log.info(f),k=127}finally{w.abort(),t.signal?.removeEventListener("abort",Y),P!==void 0&&clearTimeout(P)}return{exitCode:g===void 0?k:void 0,timedOut:g==="timeout",cancelled:g==="cancel",durationMs:Math.max(0,t.clock.now()-E),tail:u.lines()}}function T(t,e,a){const E=u=>{try{process.kill(-t,u)}catch{}};E("SIGTERM");const l=setTimeout(()=>E("SIGKILL"),e);l.unref(),a(l)}class y{size;ring=[];next=0;constructor(e){this.size=e}push(e){this.ring.length<this.size?this.ring.push(e):this.ring[this.next]=e,this.next=(this.next+1)%this.size}lines(){return this.ring.length<this.size?[...this.ring]:[...this.ring.slice(this.next),...this.ring.slice(0,this.next)]}}const n={Controller:"ECS_DEPLOY_CONTROLLER",Cluster:"ECS_DEPLOY_CLUSTER",Service:"ECS_DEPLOY_SERVICE",TaskDefinitionArn:"ECS_DEPLOY_TASK_DEFINITION_ARN",DeploymentId:"ECS_DEPLOY_DEPLOYMENT_ID",TestListenerArn:"ECS_DEPLOY_TEST_LISTENER_ARN",TestListenerRuleArn:"ECS_DEPLOY_TEST_LISTENER_RULE_ARN",ProductionListenerArn:"ECS_DEPLOY_PRODUCTION_LISTENER_ARN",ProductionListenerRuleArn:"ECS_DEPLOY_PRODUCTION_LISTENER_RULE_ARN",TargetGroupArn:"ECS_DEPLOY_TARGET_GROUP_ARN",AlternateTargetGroupArn:"ECS_DEPLOY_ALTERNATE_TARGET_GROUP_ARN",TargetGroups:"ECS_DEPLOY_TARGET_GROUPS",ContainerName:"ECS_DEPLOY_CONTAINER_NAME",ContainerPort:"ECS_DEPLOY_CONTAINER_PORT"};function O(t){const e=/^(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)listener-rule\/((?:app|net|gwy)\/[^/]+\/[^/]+\/[^/]+)\/[^/]+$/.exec(t);return e?`${e[1]}listener/${e[2]}`:void 0}function o(t){const e={[n.Controller]:t.controller,[n.TaskDefinitionArn]:t.taskDefinitionArn,[n.DeploymentId]:t.deploymentId},a=t.service,E=a.loadBalancers??[],l=E.find(r=>r.advancedConfiguration?.testListenerRule)??E[0];if(e[n.Service]=a.serviceName,e[n.ContainerName]=l?.containerName,e[n.ContainerPort]=l?.containerPort?.toString(),t.controller==="ECS"){e[n.Cluster]=a.clusterArn===void 0?void 0:L(a.clusterArn);const r=l?.advancedConfiguration;e[n.TestListenerRuleArn]=r?.testListenerRule,e[n.TestListenerArn]=r?.testListenerRule&&O(r.testListenerRule),e[n.ProductionListenerRuleArn]=r?.productionListenerRule,e[n.ProductionListenerArn]=r?.productionListenerRule&&O(r.productionListenerRule),e[n.TargetGroupArn]=l?.targetGroupArn,e[n.AlternateTargetGroupArn]=r?.alternateTargetGroupArn}else{e[n.Cluster]=L(t.cluster);const r=t.group.loadBalancerInfo?.targetGroupPairInfoList?.[0];e[n.TestListenerArn]=r?.testTrafficRoute?.listenerArns?.join(","),e[n.ProductionListenerArn]=r?.prodTrafficRoute?.listenerArns?.join(","),e[n.TargetGroups]=r?.targetGroups?.map(c=>c.name).filter(c=>!!c).join(",")}const u={};for(const[r,c]of Object.entries(e))c&&(u[r]=c);return u}function L(t){return t.includes("/")?t.slice(t.lastIndexOf("/")+1):t}const I=["BLUE_GREEN","LINEAR","CANARY"];function M(t,e,a){if(t===void 0)return;const E={input:G.pd.TestCommand};if((e?.deploymentController?.type??a?.deploymentController?.type??"ECS")==="CODE_DEPLOY")return e!==void 0?void 0:new C.lZ("test-command cannot run while the service is created: CreateService starts a CODE_DEPLOY service without a CodeDeploy deployment",{where:E,hint:"deploy once without test-command to create the service; later deploys run it"});const u=a?.deploymentConfiguration?.strategy??e?.deploymentConfiguration?.strategy??"ROLLING";if(!I.includes(u))return new C.lZ(`test-command needs test traffic, but this service deploys ${u} (no test traffic reaches the new revision before production)`,{where:E,hint:"use a CODE_DEPLOY blue/green deployment group with a test listener, or deploymentConfiguration.strategy BLUE_GREEN, LINEAR or CANARY with a test listener rule; or remove test-command"})}}),304:((b,D,p)=>{p.d(D,{ZG:()=>S,bM:()=>N});var A=p(9705),_=p(4285);const R=5,G=25,C=s=>s.slice(s.lastIndexOf("/")+1);function N(s,d){if(s==="succeeded"||d===void 0)return[];const m=v(d.stoppedTasks,d.events);return m===void 0?[]:[m]}function v(s,d,m){const h=(0,A.i_)(s,d)?.text??m;return h===void 0?void 0:`**Cause:** ${(0,_.ZD)(h)}`}function S(s){if(s.length===0)return"";const d=(0,A.Lh)(s),m=(0,_.tp)(["#","Tasks","Why they stopped","Examples"],d.map((o,L)=>{const I=o.tasks.slice(0,R).map(t=>(0,_.ti)(C(t.taskArn))),M=o.count>R?` and ${o.count-R} more`:"";return[String(L+1),String(o.count),(0,_.ZD)(o.reason),`${I.join(", ")}${M}`]})),h=new Map(d.flatMap((o,L)=>o.tasks.map(I=>[I.taskArn,L+1]))),T=d.flatMap(o=>o.tasks).slice(0,G),y=T.map(o=>[(0,_.ti)(C(o.taskArn)),o.stoppedAt?.toISOString()??"",(0,_.ZD)(o.stopCode??""),`#${h.get(o.taskArn)??""}`]),n=s.length>T.length?`

(${s.length-T.length} more not shown)`:"",O=(0,_.zH)(`Each stopped task (${s.length})`,`${(0,_.tp)(["Task","Stopped at","Stop code","Reason"],y)}${n}`);return`### Stopped tasks

${m}

${O}`}})};
