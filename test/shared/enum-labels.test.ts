// An enum's validation message lists the zh-CN words of its English keys (shared/src/forms/enum-labels.ts).
import { expect } from 'chai';
import type { ErrorObject } from 'ajv';
import { expectationOf } from '../../shared/src/forms/expectations';
import { enumLabels } from '../../shared/src/forms/enum-labels';

const enumError = (allowedValues: unknown[]) =>
  ({ keyword: 'enum', params: { allowedValues }, instancePath: '/x', schemaPath: '#/enum' }) as ErrorObject;

describe('enum messages name the choices in zh-CN', () => {
  it('English keys read as their words, the key after each', () => {
    expect(expectationOf(enumError(['county', 'city', 'province']))).to.equal(
      '应为以下之一：县级（county）、市级（city）、省级（province）',
    );
    expect(expectationOf(enumError(['admin', 'auditor', 'inspector', 'super', 'special']))).to.equal(
      '应为以下之一：管理员（admin）、审核员（auditor）、视察员（inspector）、超级管理员（super）、专项管理员（special）',
    );
  });

  it('a key takes the word of the enum it belongs to', () => {
    expect(enumLabels(['pending', 'approved', 'rejected'])).to.deep.equal(['待审核', '已通过', '未通过']);
    expect(enumLabels(['pending', 'approved', 'refused'])).to.deep.equal(['待审批', '已批准', '未批准']);
  });

  it('values already in Chinese, or without words, are listed as they are', () => {
    expect(expectationOf(enumError(['小学', '初中']))).to.equal('应为以下之一：小学、初中');
    expect(expectationOf(enumError(['name', '-name']))).to.equal('应为以下之一：name、-name');
  });
});
