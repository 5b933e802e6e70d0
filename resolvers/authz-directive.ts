import { DirectiveLocation, GraphQLDirective, GraphQLEnumType, GraphQLString } from 'graphql';
import { Directive, Extensions } from 'type-graphql';
import type { AuthzRule, AuthzTarget } from '../src/authz/authz-rule.js';

const TARGETS: readonly AuthzTarget[] = ['PARENT', 'ARGUMENT', 'ID_ARGUMENT', 'RESULT', 'FILTER', 'AUTHENTICATED'];

export const AuthzTargetEnum = new GraphQLEnumType({
  name: 'AuthzTarget',
  description: 'Where a guarded field finds the namespace its rule is checked in (see docs/architecture.md).',
  values: Object.fromEntries(TARGETS.map((t) => [t, { value: t }])),
});

/** `@authz`: the Kubernetes RBAC rule (KFP's resource and verb) a field or type is guarded by. */
export const authzDirective = new GraphQLDirective({
  name: 'authz',
  description:
    'Checked with a SubjectAccessReview (group pipelines.kubeflow.org, version v1beta1) for the resource and verb, in the namespace the target names.',
  locations: [DirectiveLocation.FIELD_DEFINITION, DirectiveLocation.OBJECT],
  args: {
    resource: { type: GraphQLString },
    verb: { type: GraphQLString },
    target: { type: AuthzTargetEnum, defaultValue: 'PARENT' },
    argument: { type: GraphQLString },
  },
});

function directiveSdl(rule: AuthzRule): string {
  const args = [
    rule.resource ? `resource: "${rule.resource}"` : '',
    rule.verb ? `verb: "${rule.verb}"` : '',
    `target: ${rule.target}`,
    rule.argument ? `argument: "${rule.argument}"` : '',
  ].filter(Boolean);
  return `@authz(${args.join(', ')})`;
}

/**
 * Declares the rule once: the directive shows it in the SDL, the extension carries it to the enforcing
 * middleware (resolvers/authz-middleware.ts). Works on object types, fields and root fields.
 */
export function Authz(rule: AuthzRule): ClassDecorator & MethodDecorator & PropertyDecorator {
  const directive = Directive(directiveSdl(rule));
  const extension = Extensions({ authz: rule });
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (key === undefined) {
      (directive as ClassDecorator)(target as () => void);
      (extension as ClassDecorator)(target as () => void);
    } else {
      (directive as MethodDecorator)(target, key, descriptor as PropertyDescriptor);
      (extension as MethodDecorator)(target, key, descriptor as PropertyDescriptor);
    }
  }) as ClassDecorator & MethodDecorator & PropertyDecorator;
}
