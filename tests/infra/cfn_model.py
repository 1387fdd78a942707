"""A small model of the part of CloudFormation that decides which AMI the group runs after a
stack update, over moto's real SSM, EC2 launch templates and Auto Scaling.

moto's own CloudFormation cannot take infra/conduit.yaml (it fails on outputs of resource types
it does not model), and it resolves SSM-typed parameters only at create, so a "release, then
stack update" run through it could not fail. This model does only what the proof needs, and
does it the way CloudFormation documents it:

- Parameters: the value given, else the previous one (as `aws cloudformation deploy` does for
  parameters left out of an update), else the Default. A parameter of type
  `AWS::SSM::Parameter::Value<...>` holds the *name* of an SSM parameter; its value is read from
  SSM (moto) at create **and again at every update** ("CloudFormation always fetches the latest
  values from Parameter Store when it updates stacks"; UsePreviousValue keeps the name, not the
  value).
- Intrinsics: Ref (parameters, resources, AWS::StackName / Region / AccountId / Partition),
  Fn::Sub, Fn::GetAtt of a launch template's LatestVersionNumber / DefaultVersionNumber,
  Fn::Join, Fn::Base64. A property that refers to a resource the model does not create (and the
  caller did not map with `externals`) is left out, on create and update alike, and listed in
  `dropped`.
- AWS::EC2::LaunchTemplate: create = CreateLaunchTemplate with the resolved data. Update: when
  the resolved properties differ from those of the previous stack operation, a new version with
  the full resolved data (CreateLaunchTemplateVersion, not derived from versions made outside
  the stack); its attributes are read from EC2 after that. Not updated: the stored attributes.
- AWS::AutoScaling::AutoScalingGroup: create = CreateAutoScalingGroup (the properties that are
  parameters of that call); update = UpdateAutoScalingGroup with the properties whose resolved
  value changed since the previous stack operation.

CloudFormation compares a resource's newly resolved properties with those it resolved last time,
not with the live resource: that is why a version made outside the stack (a release) survives an
update that does not touch the launch template, and is undone by one that does, unless the
launch template's ImageId comes from the same place the release writes to.

Not modeled: every other resource type, UpdatePolicy / CreationPolicy (instances replaced,
signals), conditions, rollback of a failed update, change sets.
"""

import base64
import copy
import json
import re
import uuid

SSM_TYPE = re.compile(r"^AWS::SSM::Parameter::Value<(.+)>$")
MODELED_TYPES = ("AWS::EC2::LaunchTemplate", "AWS::AutoScaling::AutoScalingGroup")
# CloudFormation's AutoScalingGroup properties that are parameters of Create/UpdateAutoScalingGroup
ASG_CALL_PROPERTIES = ("LaunchTemplate", "MinSize", "MaxSize", "DesiredCapacity", "VPCZoneIdentifier",
                       "HealthCheckType", "HealthCheckGracePeriod", "DefaultInstanceWarmup",
                       "TargetGroupARNs", "CapacityRebalance")
LT_ATTRIBUTES = ("LatestVersionNumber", "DefaultVersionNumber")


class NotModeled(Exception):
    """The value refers to something outside the model."""


class StackError(Exception):
    pass


def references(value):
    """Logical names a template fragment refers to (Ref, GetAtt, ${...} in Sub)."""
    found = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref":
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add((inner.split(".", 1) if isinstance(inner, str) else inner)[0])
            elif key == "Fn::Sub":
                text = inner if isinstance(inner, str) else inner[0]
                found |= {m.split(".", 1)[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text)}
                if not isinstance(inner, str):
                    found |= references(inner[1])
            else:
                found |= references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= references(inner)
    return found


class CloudFormationModel:
    def __init__(self, ssm, ec2, autoscaling, region="us-east-1", account="123456789012"):
        self.ssm, self.ec2, self.autoscaling = ssm, ec2, autoscaling
        self.region, self.account = region, account
        self.stacks = {}

    # -- stack operations ----------------------------------------------------------------------
    def create(self, name, template, parameters, externals=None):
        if name in self.stacks:
            raise StackError(f"stack {name} exists")
        stack = {"name": name, "template": copy.deepcopy(template), "inputs": {}, "params": {},
                 "resources": {}, "externals": dict(externals or {}), "dropped": {}, "operations": []}
        self._resolve_parameters(stack, template, parameters, previous={})
        for logical in self._order(template):
            self._create_resource(stack, logical, template["Resources"][logical])
        stack["operations"].append("CREATE_COMPLETE")
        self.stacks[name] = stack
        return stack

    def update(self, name, template, parameters):
        stack = self.stacks[name]
        stack["template"] = copy.deepcopy(template)
        self._resolve_parameters(stack, template, parameters, previous=stack["inputs"])
        for logical in self._order(template):
            self._update_resource(stack, logical, template["Resources"][logical])
        stack["operations"].append("UPDATE_COMPLETE")
        return stack

    def physical_id(self, name, logical):
        return self.stacks[name]["resources"][logical]["physical"]

    # -- parameters ----------------------------------------------------------------------------
    def _resolve_parameters(self, stack, template, given, previous):
        inputs, values = {}, {}
        for pname, spec in template.get("Parameters", {}).items():
            if pname in given:
                raw = given[pname]
            elif pname in previous:
                raw = previous[pname]
            elif "Default" in spec:
                raw = spec["Default"]
            else:
                raise StackError(f"parameter {pname} has no value")
            raw = str(raw)
            inputs[pname] = raw
            if SSM_TYPE.match(spec["Type"]):
                # the SSM parameter's value now, on this create or update
                values[pname] = self.ssm.get_parameter(Name=raw)["Parameter"]["Value"]
            else:
                values[pname] = raw
        stack["inputs"], stack["params"] = inputs, values

    # -- resources -----------------------------------------------------------------------------
    @staticmethod
    def _order(template):
        resources = {k: v for k, v in template["Resources"].items() if v["Type"] in MODELED_TYPES}
        done, order = set(), []

        def visit(logical, path=()):
            if logical in done:
                return
            if logical in path:
                raise StackError(f"circular reference through {logical}")
            for dep in sorted(references(resources[logical].get("Properties", {})) & set(resources)):
                visit(dep, path + (logical,))
            done.add(logical)
            order.append(logical)

        for logical in sorted(resources):
            visit(logical)
        return order

    def _properties(self, stack, logical, resource):
        """The resolved properties this model can evaluate; the others are recorded as dropped."""
        props, dropped = {}, []
        for key, value in resource.get("Properties", {}).items():
            if resource["Type"] == "AWS::EC2::LaunchTemplate" and key == "LaunchTemplateData":
                data = {}
                for dkey, dvalue in value.items():
                    try:
                        data[dkey] = self._eval(stack, dvalue)
                    except NotModeled:
                        dropped.append(f"LaunchTemplateData.{dkey}")
                props[key] = data
                continue
            if resource["Type"] == "AWS::AutoScaling::AutoScalingGroup" and key not in ASG_CALL_PROPERTIES:
                dropped.append(key)
                continue
            try:
                props[key] = self._eval(stack, value)
            except NotModeled:
                dropped.append(key)
        stack["dropped"][logical] = dropped
        return props

    def _create_resource(self, stack, logical, resource):
        props = self._properties(stack, logical, resource)
        if resource["Type"] == "AWS::EC2::LaunchTemplate":
            args = {"LaunchTemplateName": props.get("LaunchTemplateName", f"{stack['name']}-{logical}"),
                    "LaunchTemplateData": props["LaunchTemplateData"]}
            if "VersionDescription" in props:
                args["VersionDescription"] = props["VersionDescription"]
            physical = self.ec2.create_launch_template(**args)["LaunchTemplate"]["LaunchTemplateId"]
            stack["resources"][logical] = {"type": resource["Type"], "physical": physical, "props": props,
                                           "attrs": self._lt_attributes(physical)}
        else:
            physical = props.get("AutoScalingGroupName") or f"{stack['name']}-{logical}-{uuid.uuid4().hex[:12].upper()}"
            self.autoscaling.create_auto_scaling_group(AutoScalingGroupName=physical, **self._asg_args(props))
            stack["resources"][logical] = {"type": resource["Type"], "physical": physical, "props": props, "attrs": {}}

    def _update_resource(self, stack, logical, resource):
        state = stack["resources"][logical]
        props = self._properties(stack, logical, resource)
        if props == state["props"]:
            return                                  # unchanged: nothing called, attributes kept
        if resource["Type"] == "AWS::EC2::LaunchTemplate":
            if props.get("LaunchTemplateName") != state["props"].get("LaunchTemplateName"):
                raise StackError("renaming a launch template replaces it: not modeled")
            args = {"LaunchTemplateId": state["physical"], "LaunchTemplateData": props["LaunchTemplateData"]}
            if "VersionDescription" in props:
                args["VersionDescription"] = props["VersionDescription"]
            self.ec2.create_launch_template_version(**args)
            state["attrs"] = self._lt_attributes(state["physical"])
        else:
            changed = {k: v for k, v in props.items() if state["props"].get(k) != v}
            self.autoscaling.update_auto_scaling_group(AutoScalingGroupName=state["physical"],
                                                       **self._asg_args(changed))
        state["props"] = props

    def _lt_attributes(self, lt_id):
        lt = self.ec2.describe_launch_templates(LaunchTemplateIds=[lt_id])["LaunchTemplates"][0]
        return {a: str(lt[a]) for a in LT_ATTRIBUTES}

    @staticmethod
    def _asg_args(props):
        args = {}
        for key, value in props.items():
            if key == "VPCZoneIdentifier":
                args[key] = ",".join(value)
            elif key in ("MinSize", "MaxSize", "DesiredCapacity", "HealthCheckGracePeriod", "DefaultInstanceWarmup"):
                args[key] = int(value)
            elif key == "CapacityRebalance":
                args[key] = value in (True, "true", "True")
            elif key == "LaunchTemplate":
                args[key] = {"LaunchTemplateId": value["LaunchTemplateId"], "Version": str(value["Version"])}
            else:
                args[key] = value
        return args

    # -- intrinsic functions -------------------------------------------------------------------
    def _pseudo(self, stack, name):
        return {"AWS::StackName": stack["name"], "AWS::Region": self.region, "AWS::AccountId": self.account,
                "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}.get(name)

    def _ref(self, stack, name):
        pseudo = self._pseudo(stack, name)
        if pseudo is not None:
            return pseudo
        if name in stack["params"]:
            return stack["params"][name]
        if name in stack["resources"]:
            return stack["resources"][name]["physical"]
        if name in stack["externals"]:
            return stack["externals"][name]
        raise NotModeled(name)

    def _getatt(self, stack, logical, attribute):
        state = stack["resources"].get(logical)
        if state is None or attribute not in state["attrs"]:
            raise NotModeled(f"{logical}.{attribute}")
        return state["attrs"][attribute]

    def _sub(self, stack, text, variables):
        def one(match):
            inner = match.group(1)
            if inner.startswith("!"):
                return "${" + inner[1:] + "}"
            if inner in variables:
                return str(variables[inner])
            if "." in inner and not inner.startswith("AWS::"):
                return str(self._getatt(stack, *inner.split(".", 1)))
            return str(self._ref(stack, inner))
        return re.sub(r"\$\{([^}]+)\}", one, text)

    def _eval(self, stack, value):
        if isinstance(value, list):
            return [self._eval(stack, v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref":
                return self._ref(stack, arg)
            if key == "Fn::GetAtt":
                logical, attribute = arg.split(".", 1) if isinstance(arg, str) else arg
                return self._getatt(stack, logical, attribute)
            if key == "Fn::Sub":
                if isinstance(arg, str):
                    return self._sub(stack, arg, {})
                return self._sub(stack, arg[0], {k: self._eval(stack, v) for k, v in arg[1].items()})
            if key == "Fn::Join":
                return arg[0].join(str(v) for v in self._eval(stack, arg[1]))
            if key == "Fn::Base64":
                return base64.b64encode(str(self._eval(stack, arg)).encode()).decode()
            if key.startswith("Fn::") or key == "Condition":
                raise NotModeled(key)
        return {k: self._eval(stack, v) for k, v in value.items()}


def subset(template, logical_ids):
    """The named resources of a template, verbatim, and the parameters they refer to."""
    resources = {k: copy.deepcopy(template["Resources"][k]) for k in logical_ids}
    used = set()
    for resource in resources.values():
        used |= references(resource.get("Properties", {}))
    params = {k: copy.deepcopy(v) for k, v in template["Parameters"].items() if k in used}
    return {"Parameters": params, "Resources": resources}


def dumps(stack):
    """The model's view of a stack, for failure messages."""
    return json.dumps({k: stack[k] for k in ("inputs", "params", "dropped", "operations")}, indent=1, default=str)
