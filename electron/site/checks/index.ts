/**
 * Read-back checks after an apply (or on demand): what the plan wanted is
 * what both boxes now have and run. Pure: from the plan and the states read
 * now to checks a technician can act on, each pointing at the plan entry
 * that would fix it. One file per group; this index is what verify and traffic use.
 */
export { forwardedPorts, hairpinRules, type ForwardedPorts, type HairpinRule } from './forwards';
export { gatewayContactChecks } from './gateways';
export { askableUser, mediaChecks, plannedMedia, type MediaAnswer } from './media';
export { effectiveNatAcls, natAclCheck, natAclsInConfig, natAclsOf } from './nat-acl';
export { overall } from './overall';
export { pbxChecks, type PbxCheckOptions } from './pbx';
export { routerAccountCheck, routerChecks } from './router';
export { wanCheck, wanMovedCheck } from './wan';
