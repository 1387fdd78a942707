# Conduit AMI: variables and build steps.
#
#   packer init packer/ && packer build -var region=eu-west-1 -var arch=arm64 packer/
#   (scripts/bake does exactly this, prints progress and records the AMI id)
#
# The source (base image lookup, IMDSv2, encryption, SSM access) is in aws.pkr.hcl. The machine
# setup itself is provision.sh, the same script the offline tests run into a scratch root.

variable "region" {
  type        = string
  default     = "us-east-1"
  description = "Region to bake in (the AMI stays there)."
}

variable "arch" {
  type        = string
  default     = "arm64"
  description = "CPU architecture of the AMI: arm64 (Graviton) or x86_64."
  validation {
    condition     = var.arch == "arm64" || var.arch == "x86_64"
    error_message = "The arch variable must be \"arm64\" or \"x86_64\"."
  }
}

variable "instance_type" {
  type        = string
  default     = ""
  description = "Build instance type; empty picks t4g.medium (arm64) or t3.medium (x86_64)."
}

variable "app_version" {
  type        = string
  default     = "dev"
  description = "Version label for the AMI name and tags (scripts/bake passes the git revision)."
}

variable "artifact_dir" {
  type        = string
  default     = "target"
  description = "Directory with conduit.jar and libs/ (the output of ./mvnw package)."
}

variable "java_package" {
  type        = string
  default     = "java-25-amazon-corretto-headless"
  description = "Corretto package; JDK 25 is needed for -XX:AOTCache."
}

variable "aot_training" {
  type        = bool
  default     = true
  description = "Train the JDK AOT cache at bake time (a short run that serves a few requests)."
}

variable "volume_size" {
  type        = number
  default     = 16
  description = "Root volume size in GiB."
}

variable "kms_key_id" {
  type        = string
  default     = ""
  description = "KMS key for the volumes and the AMI snapshot; empty uses the account's aws/ebs key."
}

variable "subnet_id" {
  type        = string
  default     = ""
  description = "Subnet for the build instance; it needs a route to SSM (NAT or VPC endpoints)."
}

variable "associate_public_ip" {
  type        = bool
  default     = null
  description = "Public IP for the build instance: null follows the subnet's setting (the default VPC gives one)."
}

variable "manifest" {
  type        = string
  default     = "build/packer-manifest.json"
  description = "Where the manifest post-processor records the AMI id."
}

locals {
  build_stamp   = formatdate("YYYYMMDDhhmmss", timestamp())
  ami_name      = "conduit-${var.app_version}-${var.arch}-${local.build_stamp}"
  instance_type = var.instance_type != "" ? var.instance_type : (var.arch == "arm64" ? "t4g.medium" : "t3.medium")
  stage         = "/tmp/conduit-bake"
  sudo_exec     = "chmod +x {{ .Path }}; sudo -E env {{ .Vars }} {{ .Path }}"
}

build {
  name    = "conduit"
  sources = ["source.amazon-ebs.conduit"]

  provisioner "shell" {
    inline = ["mkdir -p ${local.stage}/app ${local.stage}/packer"]
  }

  # The application: the thin jar and its classpath, exactly as ./mvnw package lays them out.
  provisioner "file" {
    sources     = ["${var.artifact_dir}/conduit.jar", "${var.artifact_dir}/libs", "${var.artifact_dir}/conduit.cdx.json"]
    destination = "${local.stage}/app/"
  }

  # The provisioning script and the files it installs (unit, agent config, logrotate, ...).
  provisioner "file" {
    sources     = ["${path.root}/provision.sh", "${path.root}/files"]
    destination = "${local.stage}/packer/"
  }

  # Runtime, user, layout, unit, CloudWatch agent, AOT training, verification.
  provisioner "shell" {
    execute_command = local.sudo_exec
    environment_vars = [
      "CONDUIT_JAVA_PACKAGE=${var.java_package}",
      "CONDUIT_AOT=${var.aot_training ? "train" : "skip"}",
    ]
    inline = ["bash ${local.stage}/packer/provision.sh --artifact-dir ${local.stage}/app"]
  }

  # Last: remove keys, host keys, caches and the staging directory; disable sshd.
  provisioner "shell" {
    execute_command = local.sudo_exec
    inline          = ["bash ${local.stage}/packer/provision.sh --seal"]
  }

  post-processor "manifest" {
    output     = var.manifest
    strip_path = true
    custom_data = {
      app_version = var.app_version
      arch        = var.arch
    }
  }
}
