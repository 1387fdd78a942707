# The AWS side of the bake: plugin pin, base-image lookup and the build instance.
#
# Everything in this file needs a current Packer (>= 1.10) and the amazon plugin; the offline
# check (scripts/test-infra) parses it in full with HashiCorp's HCL parser and asserts on it,
# but does not hand it to the old Packer 1.6.6 that Debian ships. conduit.pkr.hcl (variables,
# build steps) is what 1.6.6 validates.

packer {
  required_version = ">= 1.10.0"
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = ">= 1.3.0, < 2.0.0"
    }
  }
}

# Newest Amazon Linux 2023 (standard image: it ships the SSM agent) for the chosen architecture.
data "amazon-ami" "al2023" {
  region      = var.region
  owners      = ["amazon"]
  most_recent = true
  filters = {
    name                = "al2023-ami-2023.*-kernel-*-${var.arch}"
    architecture        = var.arch
    virtualization-type = "hvm"
    root-device-type    = "ebs"
    state               = "available"
  }
}

source "amazon-ebs" "conduit" {
  region          = var.region
  source_ami      = data.amazon-ami.al2023.id
  instance_type   = local.instance_type
  ami_name        = local.ami_name
  ami_description = "Conduit ${var.app_version} (${var.arch}) on Amazon Linux 2023, Corretto 25, AOT cache"
  ena_support     = true
  sriov_support   = true
  subnet_id       = var.subnet_id == "" ? null : var.subnet_id

  # IMDSv2 only: on the build instance, and as the AMI's default for every instance launched from it.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }
  imds_support = "v2.0"

  # Encrypted volumes: the build volume and the AMI's snapshot (a CMK when given, else the
  # account's aws/ebs key; share-able AMIs need a CMK).
  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = var.volume_size
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    encrypted             = true
    kms_key_id            = var.kms_key_id == "" ? null : var.kms_key_id
    delete_on_termination = true
  }
  encrypt_boot = true
  kms_key_id   = var.kms_key_id == "" ? null : var.kms_key_id

  # No SSH keys, no open port 22: Packer reaches the build instance through an SSM session
  # (the temporary instance profile below grants just that). Packer's throw-away key pair is
  # deleted with the build, and provision.sh --seal removes every authorized_keys file and the
  # host keys before the snapshot.
  communicator                = "ssh"
  ssh_username                = "ec2-user"
  ssh_interface               = "session_manager"
  ssh_timeout                 = "10m"
  temporary_key_pair_type     = "ed25519"
  ssh_clear_authorized_keys   = true
  pause_before_ssm            = "10s"
  associate_public_ip_address = var.associate_public_ip

  temporary_iam_instance_profile_policy_document {
    Version = "2012-10-17"
    Statement {
      Effect = "Allow"
      Action = [
        "ssm:UpdateInstanceInformation",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
        "ec2messages:AcknowledgeMessage",
        "ec2messages:DeleteMessage",
        "ec2messages:FailMessage",
        "ec2messages:GetEndpoint",
        "ec2messages:GetMessages",
        "ec2messages:SendReply",
      ]
      Resource = ["*"]
    }
  }

  run_tags = {
    Name    = "conduit-bake-${var.app_version}"
    Project = "conduit"
  }
  tags = {
    Name         = local.ami_name
    Project      = "conduit"
    AppVersion   = var.app_version
    Architecture = var.arch
    BaseAMI      = "{{ .SourceAMI }}"
    BaseAMIName  = "{{ .SourceAMIName }}"
  }
  snapshot_tags = {
    Name    = local.ami_name
    Project = "conduit"
  }
}
