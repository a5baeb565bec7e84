// Permission codes (seed 003 权限码): a superior issues a one-time code for a subordinate role, the person
// binds it while logged in; plus removing a bound admin (seed 003 Q2) and activation progress (part 3).
//
// One file per part: policy.ts (who may issue what, views), issue.ts (issue, list, revoke), bind.ts (binding a
// code, removing a bound admin), activation.ts (activation progress). This file re-exports their public names.
export { codeView, normaliseCode } from './policy';
export { createCode, listCodes, revokeCode, type CreateCodeInput, type ListCodesQuery } from './issue';
export { bindCode, removeRegionAdmin, type BindInput } from './bind';
export { activationProgress, type ActivationRow } from './activation';
