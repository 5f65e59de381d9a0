cat > web-frontend-svc.yaml <<'EOF'
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
EOF
kubectl apply -f web-frontend-svc.yaml
kubectl get svc web-frontend
cat > web.yaml <<'EOF'
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
---
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
EOF
kubectl apply -f web.yaml
# Get a node IP
NODE_IP=$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')
echo "node ip: $NODE_IP"
# Access the service
curl http://$NODE_IP:31000
kubectl create service nodeport wide --tcp=80:80 --node-port=35000
ssh controlplane
grep node-port-range /etc/kubernetes/manifests/kube-apiserver.yaml
sed -i 's/--service-node-port-range=30000-32767/--service-node-port-range=20000-40000/' /etc/kubernetes/manifests/kube-apiserver.yaml
exit
kubectl create service nodeport wide --tcp=80:80 --node-port=35000
kubectl patch svc web-frontend -p '{"spec":{"externalTrafficPolicy":"Local"}}'
kubectl get pods -o wide
curl -s -m 2 -o /dev/null -w '%{http_code}\n' http://10.0.0.10:31000
curl -s -m 2 -o /dev/null -w '%{http_code}\n' http://10.0.0.11:31000
curl -s -m 2 -o /dev/null -w '%{http_code}\n' http://10.0.0.12:31000
aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0 --protocol tcp --port 30000-32767 --cidr 0.0.0.0/0
# Example: allow only port 31000 in a security group (AWS CLI)
aws ec2 authorize-security-group-ingress \
--group-id sg-0123456789abcdef0 \
--protocol tcp \
--port 31000 \
--cidr 203.0.113.0/24
curl -s --connect-timeout 2 -o /dev/null -w '%{http_code}\n' http://10.0.0.11:31000
echo exit=$?
