"""The seed article's manifests, shared by every test that needs them."""

SEED_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-frontend
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web-frontend
  template:
    metadata:
      labels:
        app: web-frontend
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
"""

SEED_SERVICE_31000 = """\
apiVersion: v1
kind: Service
metadata:
  name: web-frontend
spec:
  type: NodePort
  selector:
    app: web-frontend
  ports:
  - port: 80
    targetPort: 80
    nodePort: 31000
"""

SEED_SERVICE_30080 = """\
apiVersion: v1
kind: Service
metadata:
  name: web-frontend
spec:
  type: NodePort
  selector:
    app: web-frontend
  ports:
  - name: http
    protocol: TCP
    port: 80
    targetPort: 3000
    nodePort: 30080
"""

#: The Deployment and the NodePort 30080 Service, as one file.
SEED_WITH_30080 = SEED_SERVICE_30080 + "---\n" + SEED_DEPLOYMENT
#: The Deployment and the NodePort 31000 Service, as one file.
SEED_WITH_31000 = SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_31000
