// The NutUI tag colour of each report state (填报中, 已上报, 已退回, 已锁定, 撤报申请中).
export const STATE_TAG: Record<string, 'primary' | 'success' | 'danger' | 'default' | 'warning'> = {
  draft: 'primary',
  submitted: 'success',
  locked: 'default',
  returned: 'danger',
  withdrawalRequested: 'warning',
};
