"""aws ec2 security group commands: aws-cli v2's JSON and errors, and their effect on who reaches a NodePort."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from tests.seed import SEED_WITH_31000
from trainer.engine.cluster import Cluster
from trainer.sandbox import aws, curl, node
from trainer.sandbox.session import Result, Session

SEED = SEED_WITH_31000
GROUP = "sg-0123456789abcdef0"
AUTHORIZE = (f"aws ec2 authorize-security-group-ingress --group-id {GROUP} --protocol tcp --port 31000 "
             "--cidr 203.0.113.0/24")
REVOKE_RANGE = (f"aws ec2 revoke-security-group-ingress --group-id {GROUP} --protocol tcp --port 30000-32767 "
                "--cidr 0.0.0.0/0")


def make(tmp_path: Path) -> Session:
    cluster = Cluster.default()
    assert all(r.ok for r in cluster.apply(SEED, "seed.yaml"))
    return Session(cluster, tmp_path)


def run(session: Session, line: str) -> Result:
    argv = shlex.split(line)
    fn = {"aws": aws.main, "curl": curl.main}[argv[0]]
    return fn(session, argv, "")


def _permission(lo: int, hi: int, *cidrs: str) -> dict:
    return {"IpProtocol": "tcp", "FromPort": lo, "ToPort": hi, "UserIdGroupPairs": [],
            "IpRanges": [{"CidrIp": c} for c in cidrs], "Ipv6Ranges": [], "PrefixListIds": []}


def test_describe_shows_the_default_group(tmp_path: Path) -> None:
    r = run(make(tmp_path), f"aws ec2 describe-security-groups --group-ids {GROUP}")
    assert r.status == 0 and r.stderr == ""
    assert r.stdout == json.dumps({"SecurityGroups": [{
        "GroupId": GROUP,
        "IpPermissionsEgress": [{"IpProtocol": "-1", "UserIdGroupPairs": [], "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                                 "Ipv6Ranges": [], "PrefixListIds": []}],
        "VpcId": "vpc-0a1b2c3d4e5f67890",
        "SecurityGroupArn": f"arn:aws:ec2:us-east-1:123456789012:security-group/{GROUP}",
        "OwnerId": "123456789012",
        "GroupName": "kubeadm-nodes",
        "Description": "kubeadm cluster nodes",
        "IpPermissions": [_permission(22, 22, "0.0.0.0/0"), _permission(6443, 6443, "0.0.0.0/0"),
                          _permission(30000, 32767, "0.0.0.0/0")],
    }]}, indent=4) + "\n"
    assert r.stdout.startswith('{\n    "SecurityGroups": [\n        {\n            "GroupId": ')


def test_authorize_prints_the_new_rule(tmp_path: Path) -> None:
    s = make(tmp_path)
    r = run(s, AUTHORIZE)
    rule_id = aws.rule_id(GROUP, s.cluster.firewall.groups[GROUP].rules[-1])
    assert r == Result(
        "{\n"
        '    "Return": true,\n'
        '    "SecurityGroupRules": [\n'
        "        {\n"
        f'            "SecurityGroupRuleId": "{rule_id}",\n'
        f'            "GroupId": "{GROUP}",\n'
        '            "GroupOwnerId": "123456789012",\n'
        '            "IsEgress": false,\n'
        '            "IpProtocol": "tcp",\n'
        '            "FromPort": 31000,\n'
        '            "ToPort": 31000,\n'
        '            "CidrIpv4": "203.0.113.0/24",\n'
        f'            "SecurityGroupRuleArn": "arn:aws:ec2:us-east-1:123456789012:security-group-rule/{rule_id}"\n'
        "        }\n"
        "    ]\n"
        "}\n", "", 0)
    assert rule_id.startswith("sgr-") and len(rule_id) == 21
    assert run(s, AUTHORIZE) == Result(
        "", "\naws: [ERROR]: An error occurred (InvalidPermission.Duplicate) when calling the "
            'AuthorizeSecurityGroupIngress operation: the specified rule "peer: 203.0.113.0/24, TCP, from port: '
            '31000, to port: 31000, ALLOW" already exists\n', 254)


def test_revoke_then_describe(tmp_path: Path) -> None:
    s = make(tmp_path)
    r = run(s, REVOKE_RANGE)
    assert r.status == 0
    doc = json.loads(r.stdout)
    assert doc["Return"] is True
    assert doc["RevokedSecurityGroupRules"][0] | {"SecurityGroupRuleId": "x"} == {
        "SecurityGroupRuleId": "x", "GroupId": GROUP, "IsEgress": False, "IpProtocol": "tcp", "FromPort": 30000,
        "ToPort": 32767, "CidrIpv4": "0.0.0.0/0"}
    described = json.loads(run(s, "aws ec2 describe-security-groups").stdout)
    assert described["SecurityGroups"][0]["IpPermissions"] == [_permission(22, 22, "0.0.0.0/0"),
                                                                _permission(6443, 6443, "0.0.0.0/0")]
    assert run(s, REVOKE_RANGE) == Result(
        "", "\naws: [ERROR]: An error occurred (InvalidPermission.NotFound) when calling the "
            "RevokeSecurityGroupIngress operation: The specified rule does not exist in this security group.\n", 254)


def test_only_the_authorized_cidr_reaches_the_nodeport(tmp_path: Path) -> None:
    s = make(tmp_path)
    assert run(s, AUTHORIZE).status == 0
    assert run(s, REVOKE_RANGE).status == 0
    probe = "curl -s -o /dev/null -w %{http_code} -m 3 http://10.0.0.11:31000"
    s.client_ip = "203.0.113.7"
    assert run(s, probe) == Result("200", "", 0)
    s.client_ip = "198.51.100.9"
    assert run(s, probe) == Result("000", "", 28)
    assert run(s, "curl -m 3 http://10.0.0.12:31000") == Result(
        "", "curl: (28) Connection timed out after 3001 milliseconds\n", 28)
    # Inside the cluster the security group plays no part.
    s.host = "node01"
    assert run(s, "curl -s -o /dev/null -w %{http_code} http://10.0.0.12:31000") == Result("200", "", 0)


def test_revoking_ssh_locks_the_workstation_out(tmp_path: Path) -> None:
    s = make(tmp_path)
    run(s, f"aws ec2 revoke-security-group-ingress --group-id {GROUP} --protocol tcp --port 22 --cidr 0.0.0.0/0")
    assert node.ssh_main(s, ["ssh", "node01"], "") == Result(
        "", "ssh: connect to host node01 port 22: Connection timed out\n", 255)


def test_a_cluster_with_its_own_groups_keeps_them(tmp_path: Path) -> None:
    s = make(tmp_path)
    s.cluster.firewall.attach("node01", "sg-00000000000000001")
    aws.ensure_default_group(s.cluster)
    assert list(s.cluster.firewall.groups) == ["sg-00000000000000001"]


ERR = "\naws: [ERROR]: An error occurred "


def test_errors(tmp_path: Path) -> None:
    s = make(tmp_path)
    assert run(s, "aws ec2 authorize-security-group-ingress --group-id sg-0000000000000000f --protocol tcp "
                  "--port 1 --cidr 1.2.3.4/32") == Result(
        "", ERR + "(InvalidGroup.NotFound) when calling the AuthorizeSecurityGroupIngress operation: The security "
                  "group 'sg-0000000000000000f' does not exist\n", 254)
    assert run(s, "aws ec2 describe-security-groups --group-ids sg-x") == Result(
        "", ERR + '(InvalidGroupId.Malformed) when calling the DescribeSecurityGroups operation: Invalid id: "sg-x" '
                  '(expecting "sg-...")\n', 254)
    assert run(s, f"aws ec2 authorize-security-group-ingress --group-id {GROUP} --protocol tcp --port abc "
                  "--cidr 1.2.3.4/32") == Result(
        "", ERR + "(ParamValidation): port parameter should be of the form <from[-to]> (e.g. 22 or 22-25)\n", 252)
    assert run(s, f"aws ec2 authorize-security-group-ingress --group-id {GROUP} --protocol tcp --port 80 "
                  "--cidr 1.2.3.0/33") == Result(
        "", ERR + "(InvalidParameterValue) when calling the AuthorizeSecurityGroupIngress operation: CIDR block "
                  "1.2.3.0/33 is malformed\n", 254)
    assert run(s, f"aws ec2 authorize-security-group-ingress --group-id {GROUP} --bogus 1") == Result(
        "", ERR + "(ParamValidation): Unknown options: --bogus, 1\n", 252)
    assert run(s, "aws ec2 bogus-op") == Result(
        "", ERR + "(ParamValidation): argument operation: Found invalid choice 'bogus-op'\n", 252)
    assert run(s, "aws") == Result("", ERR + "(ParamValidation): the following arguments are required: command\n"
                                   + aws.USAGE, 252)
    assert run(s, "aws --version") == Result(
        "aws-cli/2.34.3 Python/3.13.11 Linux/6.8.0-51-generic exe/x86_64.ubuntu.24\n", "", 0)
    assert run(s, f"aws ec2 authorize-security-group-ingress --group-id {GROUP} --protocol tcp --port 31000 "
                  "--cidr 203.0.113.0/24 --dry-run") == Result(
        "", ERR + "(DryRunOperation) when calling the AuthorizeSecurityGroupIngress operation: Request would have "
                  "succeeded, but DryRun flag is set.\n", 254)
