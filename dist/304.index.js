"use strict";export const id=304,ids=[304],modules={304:((D,l,d)=>{d.d(l,{ZG:()=>E,bM:()=>k});var u=d(9705),e=d(4285);const a=5,f=25,_=t=>t.slice(t.lastIndexOf("/")+1);function k(t,s){if(t==="succeeded"||s===void 0)return[];const o=m(s.stoppedTasks,s.events);return o===void 0?[]:[o]}function m(t,s,o){const c=(0,u.i_)(t,s)?.text??o;return c===void 0?void 0:`**Cause:** ${(0,e.ZD)(c)}`}function E(t){if(t.length===0)return"";const s=(0,u.Lh)(t),o=(0,e.tp)(["#","Tasks","Why they stopped","Examples"],s.map((n,r)=>{const i=n.tasks.slice(0,a).map(A=>(0,e.ti)(_(A.taskArn))),g=n.count>a?` and ${n.count-a} more`:"";return[String(r+1),String(n.count),(0,e.ZD)(n.reason),`${i.join(", ")}${g}`]})),c=new Map(s.flatMap((n,r)=>n.tasks.map(i=>[i.taskArn,r+1]))),p=s.flatMap(n=>n.tasks).slice(0,f),S=p.map(n=>[(0,e.ti)(_(n.taskArn)),n.stoppedAt?.toISOString()??"",(0,e.ZD)(n.stopCode??""),`#${c.get(n.taskArn)??""}`]),$=t.length>p.length?`

(${t.length-p.length} more not shown)`:"",h=(0,e.zH)(`Each stopped task (${t.length})`,`${(0,e.tp)(["Task","Stopped at","Stop code","Reason"],S)}${$}`);return`### Stopped tasks

${o}

${h}`}})};
