/**
 * A narrow, typed view of the Argo `Workflow` object (argoproj.io/v1alpha1), shaped after the CRD's OpenAPI
 * schema (`manifests/base/crds/full/argoproj.io_workflows.yaml`, Argo v4.0.8, the version KFP pins). Only the
 * fields kfp-graph reads are named; every object keeps an index signature so unknown fields survive a
 * round trip untouched (we never drop what Argo or KFP wrote).
 */

/** Any JSON object; the base of every view below. */
export interface JsonObject {
  readonly [key: string]: unknown;
}

/** Argo `NodePhase` (pkg/apis/workflow/v1alpha1/workflow_types.go). */
export type NodePhase = 'Pending' | 'Running' | 'Succeeded' | 'Skipped' | 'Failed' | 'Error' | 'Omitted';
export const NODE_PHASES: readonly NodePhase[] = ['Pending', 'Running', 'Succeeded', 'Skipped', 'Failed', 'Error', 'Omitted'];

/** Argo `WorkflowPhase`; `''` is `WorkflowUnknown`, what a just-created workflow has. */
export type WorkflowPhase = '' | 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error';
export const WORKFLOW_PHASES: readonly WorkflowPhase[] = ['', 'Pending', 'Running', 'Succeeded', 'Failed', 'Error'];

/** Argo `NodeType`; HTTP and Plugin are the two agent-run execution types. */
export type NodeType = 'Pod' | 'Container' | 'Steps' | 'StepGroup' | 'DAG' | 'TaskGroup' | 'Retry' | 'Skipped' | 'Suspend' | 'HTTP' | 'Plugin';

export interface ObjectMeta extends JsonObject {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly creationTimestamp?: string | null;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface Parameter extends JsonObject {
  readonly name: string;
  readonly value?: string;
  readonly default?: string;
  readonly description?: string;
  readonly enum?: readonly string[];
  readonly valueFrom?: JsonObject;
}

export interface S3Location extends JsonObject {
  readonly bucket?: string;
  readonly key?: string;
  readonly endpoint?: string;
}

/** An Argo `Artifact`: a name, where it sits in the container (`path`) and exactly one location key. */
export interface Artifact extends JsonObject {
  readonly name: string;
  readonly path?: string;
  readonly from?: string;
  readonly optional?: boolean;
  readonly s3?: S3Location;
  readonly gcs?: { readonly bucket?: string; readonly key?: string };
  readonly oss?: { readonly bucket?: string; readonly key?: string; readonly endpoint?: string };
  readonly azure?: { readonly container?: string; readonly blob?: string; readonly endpoint?: string };
  readonly http?: { readonly url?: string };
  readonly artifactory?: { readonly url?: string };
  readonly hdfs?: { readonly path?: string; readonly addresses?: readonly string[] };
  readonly git?: { readonly repo?: string; readonly revision?: string };
  readonly raw?: { readonly data?: string };
}

export interface IoSpec extends JsonObject {
  readonly parameters?: readonly Parameter[];
  readonly artifacts?: readonly Artifact[];
}

export interface Outputs extends IoSpec {
  readonly result?: string;
  readonly exitCode?: string;
}

/** The security-relevant part of a core/v1 `SecurityContext` (container level). */
export interface ContainerSecurityContext extends JsonObject {
  readonly privileged?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
  readonly windowsOptions?: { readonly hostProcess?: boolean };
}

export interface Container extends JsonObject {
  readonly name?: string;
  readonly image?: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly securityContext?: ContainerSecurityContext;
}

export interface Volume extends JsonObject {
  readonly name: string;
  readonly hostPath?: JsonObject;
  readonly persistentVolumeClaim?: { readonly claimName?: string };
}

export interface TemplateRef extends JsonObject {
  readonly name?: string;
  readonly template?: string;
  readonly clusterScope?: boolean;
}

export interface Arguments extends JsonObject {
  readonly parameters?: readonly Parameter[];
  readonly artifacts?: readonly Artifact[];
}

/** A DAG task or a step: both invoke a template by name (or by `templateRef`) with arguments. */
export interface TemplateInvocation extends JsonObject {
  readonly name: string;
  readonly template?: string;
  readonly templateRef?: TemplateRef;
  readonly arguments?: Arguments;
  readonly depends?: string;
  readonly dependencies?: readonly string[];
  readonly when?: string;
}

export interface ExecutorConfig extends JsonObject {
  readonly serviceAccountName?: string;
}

export interface Template extends JsonObject {
  readonly name: string;
  readonly container?: Container;
  readonly script?: Container & { readonly source?: string };
  readonly containerSet?: { readonly containers?: readonly Container[] } & JsonObject;
  readonly initContainers?: readonly Container[];
  readonly sidecars?: readonly Container[];
  readonly dag?: { readonly tasks: readonly TemplateInvocation[] } & JsonObject;
  readonly steps?: readonly (readonly TemplateInvocation[])[];
  readonly resource?: { readonly action?: string; readonly manifest?: string } & JsonObject;
  readonly inputs?: IoSpec;
  readonly outputs?: Outputs;
  readonly podSpecPatch?: string;
  readonly securityContext?: JsonObject;
  readonly serviceAccountName?: string;
  readonly automountServiceAccountToken?: boolean;
  readonly executor?: ExecutorConfig;
  readonly volumes?: readonly Volume[];
  /** Not Argo template fields (they live on the workflow spec) but refused if present: see admission. */
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly metadata?: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
}

/** `spec.shutdown`: `Terminate` (kill pods now, skip exit handlers) or `Stop` (kill pods, run exit handlers). */
export type ShutdownStrategy = 'Terminate' | 'Stop';

export interface WorkflowSpec extends JsonObject {
  readonly entrypoint?: string;
  readonly templates?: readonly Template[];
  readonly arguments?: Arguments;
  readonly serviceAccountName?: string;
  readonly automountServiceAccountToken?: boolean;
  readonly executor?: ExecutorConfig;
  readonly volumes?: readonly Volume[];
  readonly hostNetwork?: boolean;
  readonly securityContext?: JsonObject;
  readonly podSpecPatch?: string;
  readonly shutdown?: ShutdownStrategy | string;
  readonly suspend?: boolean;
  readonly activeDeadlineSeconds?: number;
  readonly onExit?: string;
  readonly workflowTemplateRef?: TemplateRef;
  readonly templateDefaults?: JsonObject;
}

export interface NodeStatus extends JsonObject {
  readonly id: string;
  readonly name: string;
  readonly displayName?: string;
  readonly type: NodeType | string;
  readonly phase?: NodePhase | string;
  readonly templateName?: string;
  readonly templateRef?: TemplateRef;
  readonly boundaryID?: string;
  readonly startedAt?: string | null;
  readonly finishedAt?: string | null;
  readonly message?: string;
  readonly progress?: string;
  readonly children?: readonly string[];
  readonly outboundNodes?: readonly string[];
  readonly inputs?: IoSpec;
  readonly outputs?: Outputs;
  readonly hostNodeName?: string;
}

export interface WorkflowStatus extends JsonObject {
  readonly phase?: WorkflowPhase | string;
  readonly startedAt?: string | null;
  readonly finishedAt?: string | null;
  readonly message?: string;
  readonly progress?: string;
  readonly nodes?: Readonly<Record<string, NodeStatus>>;
  readonly conditions?: readonly JsonObject[];
  /** Where artifacts go when a node's location has only a key (default or referenced repository). */
  readonly artifactRepositoryRef?: JsonObject;
}

export interface Workflow extends JsonObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly spec: WorkflowSpec;
  readonly status?: WorkflowStatus;
}

export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';

/** Structural checks used across the folder, so the views above are only ever applied to real objects. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
