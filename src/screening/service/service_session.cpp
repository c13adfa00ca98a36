#include "screening/service/service_session.h"

namespace hirelm::service {

SessionPool::SessionPool(std::string spec) : spec_(std::move(spec)) {
  idle_.push_back(std::make_unique<ServiceSession>(spec_));
}

SessionPool::Lease::~Lease() {
  if (!session_ || !pool_) return;
  std::lock_guard lock(pool_->mutex_);
  if (pool_->idle_.size() < 16) pool_->idle_.push_back(std::move(session_));
}

SessionPool::Lease SessionPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto session = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(session));
    }
  }
  return Lease(*this, std::make_unique<ServiceSession>(spec_));
}

}  // namespace hirelm::service
