{{/*
Names and labels.
*/}}
{{- define "jamaa.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "jamaa.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "jamaa.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels of one component: call with (dict "root" $ "component" "web"). */}}
{{- define "jamaa.selectorLabels" -}}
app.kubernetes.io/name: {{ include "jamaa.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* All labels of one component: call with (dict "root" $ "component" "web"). */}}
{{- define "jamaa.labels" -}}
helm.sh/chart: {{ include "jamaa.chart" .root }}
{{ include "jamaa.selectorLabels" . }}
app.kubernetes.io/part-of: jamaa
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{- define "jamaa.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "jamaa.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "jamaa.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "jamaa.configMapName" -}}
{{- printf "%s-config" (include "jamaa.fullname" .) }}
{{- end }}

{{- define "jamaa.mediaClaimName" -}}
{{- default (printf "%s-media" (include "jamaa.fullname" .)) .Values.media.persistentVolume.existingClaim }}
{{- end }}

{{- define "jamaa.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "jamaa.fullname" .)) .Values.ingress.tls.secretName }}
{{- end }}

{{- define "jamaa.mediaOnVolume" -}}
{{- if eq .Values.media.storage "persistentVolume" }}true{{ end }}
{{- end }}

{{/*
The values that the schema cannot cross-check.
*/}}
{{- define "jamaa.validate" -}}
{{- $_ := required "baseDomain is required (for example --set baseDomain=communes.ma)" .Values.baseDomain }}
{{- $_ := required "existingSecret is required: the Secret with DATABASE_URL, REDIS_URL and SECRET_KEY" .Values.existingSecret }}
{{- range $component := list "web" "worker" }}
{{- $autoscaling := (index $.Values $component).autoscaling }}
{{- if and $autoscaling.enabled (lt (int $autoscaling.maxReplicas) (int $autoscaling.minReplicas)) }}
{{- fail (printf "%s.autoscaling.maxReplicas (%v) is below minReplicas (%v)" $component $autoscaling.maxReplicas $autoscaling.minReplicas) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Non-secret settings, as a YAML map of strings. The ConfigMap holds them for the Deployments; the
migration Job, a pre-install hook that runs before the ConfigMap exists, gets the same map as env.
*/}}
{{- define "jamaa.configData" -}}
{{- include "jamaa.validate" . -}}
JAMAA_BASE_DOMAIN: {{ .Values.baseDomain | quote }}
DEBUG: {{ ternary "1" "0" .Values.config.debug | quote }}
JAMAA_HTTPS: {{ ternary "1" "0" .Values.config.https | quote }}
JAMAA_LOG_LEVEL: {{ .Values.config.logLevel | quote }}
{{- if include "jamaa.mediaOnVolume" . }}
JAMAA_MEDIA_ROOT: {{ .Values.config.mediaRoot | quote }}
{{- else }}
JAMAA_MEDIA_STORAGE: "s3"
JAMAA_MEDIA_BUCKET: {{ .Values.media.objectStorage.bucket | quote }}
{{- with .Values.media.objectStorage.endpointUrl }}
JAMAA_MEDIA_ENDPOINT_URL: {{ . | quote }}
{{- end }}
{{- with .Values.media.objectStorage.region }}
JAMAA_MEDIA_REGION: {{ . | quote }}
{{- end }}
{{- end }}
{{- range $name, $value := .Values.config.extraEnv }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/*
The secrets, each read by key from the existing Secret; the chart never holds their values.
*/}}
{{- define "jamaa.secretEnv" -}}
{{- range $key := list "DATABASE_URL" "REDIS_URL" "SECRET_KEY" }}
- name: {{ $key }}
  valueFrom:
    secretKeyRef:
      name: {{ $.Values.existingSecret }}
      key: {{ $key }}
{{- end }}
{{- $optional := list "SENTRY_DSN" "JAMAA_METRICS_TOKEN" }}
{{- if not (include "jamaa.mediaOnVolume" .) }}
{{- $optional = concat $optional (list "AWS_ACCESS_KEY_ID" "AWS_SECRET_ACCESS_KEY") }}
{{- end }}
{{- range $key := $optional }}
- name: {{ $key }}
  valueFrom:
    secretKeyRef:
      name: {{ $.Values.existingSecret }}
      key: {{ $key }}
      optional: true
{{- end }}
{{- end }}

{{/*
The owner role's URL (optional key), for the migration Job and, unless database.ownerUrlInWorkloads is false,
for the provisioning code paths of web and worker pods (their own connection stays DATABASE_URL's role).
*/}}
{{- define "jamaa.ownerEnv" -}}
- name: DATABASE_OWNER_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.existingSecret }}
      key: DATABASE_OWNER_URL
      optional: true
{{- end }}

{{/* Settings of a long-running container: the ConfigMap plus the secrets. */}}
{{- define "jamaa.envFrom" -}}
envFrom:
  - configMapRef:
      name: {{ include "jamaa.configMapName" . }}
{{- end }}

{{/* Pod-level settings shared by every pod of the release. */}}
{{- define "jamaa.podSpecCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Pod annotations: the config checksum rolls the pods when a setting changes. */}}
{{- define "jamaa.podAnnotations" -}}
checksum/config: {{ include "jamaa.configData" . | sha256sum }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The writable /tmp of every pod. */}}
{{- define "jamaa.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpVolume.sizeLimit }}
{{- end }}

{{/* The media volume and its mount, when media.storage is persistentVolume. */}}
{{- define "jamaa.mediaVolume" -}}
- name: media
  persistentVolumeClaim:
    claimName: {{ include "jamaa.mediaClaimName" . }}
{{- end }}

{{- define "jamaa.mediaVolumeMount" -}}
- name: media
  mountPath: {{ .Values.config.mediaRoot }}
{{- end }}

{{/* Egress rules of the NetworkPolicies, when egress is restricted. */}}
{{- define "jamaa.networkPolicyEgress" -}}
egress:
  # DNS, wherever the cluster resolver runs.
  - ports:
      - port: 53
        protocol: UDP
      - port: 53
        protocol: TCP
  {{- with .Values.networkPolicy.egress.rules }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
