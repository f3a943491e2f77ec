{{- define "mini.fullname" -}}
{{- if .Values.fullnameOverride }}{{ .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}{{ printf "%s-%s" .Release.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}{{ end }}
{{- end }}
{{- define "mini.selector" -}}
app.kubernetes.io/name: {{ .Values.nameOverride }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
