/**
 * The demo tenants of the embedded default. The Kubernetes emulator seeds Profiles and RBAC from this list and
 * the SQL demo seed fills the same namespaces, so the two always agree.
 */
export interface DemoContributor {
  readonly user: string;
  readonly role: 'edit' | 'view';
}

export interface DemoTenant {
  readonly namespace: string;
  readonly owner: string;
  readonly contributors: readonly DemoContributor[];
  /** Groups given a role through a group RoleBinding (KFAM cannot write these; an admin does). */
  readonly groupBindings: readonly { readonly group: string; readonly role: 'edit' | 'view' }[];
}

export const DEMO_USER = 'alice@example.com';
export const DEMO_ADMIN = 'admin@example.com';
export const CONTROL_PLANE_NAMESPACE = 'kubeflow';

export const DEMO_TENANTS: readonly DemoTenant[] = [
  {
    namespace: 'alice',
    owner: 'alice@example.com',
    contributors: [{ user: 'bob@example.com', role: 'view' }],
    groupBindings: [],
  },
  {
    namespace: 'bob',
    owner: 'bob@example.com',
    contributors: [],
    groupBindings: [],
  },
  {
    namespace: 'ml-research',
    owner: 'carol@example.com',
    contributors: [
      { user: 'alice@example.com', role: 'edit' },
      { user: 'dave@example.com', role: 'view' },
    ],
    groupBindings: [{ group: 'research-readers', role: 'view' }],
  },
];
